import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/sgsync.js', import.meta.url));

const exitOf = async (args: readonly string[]): Promise<number> => {
  try {
    await promisify(execFile)(process.execPath, [bin, ...args], {
      timeout: 60_000,
    });
    return 0;
  } catch (error) {
    return (error as { code: number }).code;
  }
};

describe('sgsync usage', () => {
  it('exits 2 for an unknown option, command, or a missing option', async () => {
    const codes = await Promise.all([
      exitOf(['simulate', '--bogus']),
      exitOf(['no-such-command']),
      exitOf(['plan']),
    ]);

    expect(codes).toEqual([2, 2, 2]);
  }, 60_000);

  it('exits 0 for help', async () => {
    expect(await exitOf(['--help'])).toBe(0);
  }, 60_000);
});

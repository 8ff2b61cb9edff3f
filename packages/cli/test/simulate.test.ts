import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSimulateOptions, runSimulate } from '../src/simulate.js';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const cli = (args: string[]) =>
  promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', main, 'simulate', ...args],
    { timeout: 60_000 },
  );

const run = async (args: Parameters<typeof parseSimulateOptions>[0]) => {
  const lines: string[] = [];
  const options = parseSimulateOptions(args)._unsafeUnwrap();
  const outcome = await runSimulate(options, (l) => lines.push(l));

  return { outcome, text: lines.join('\n') };
};

describe('sgsync simulate', () => {
  it('reports steps, faults, invariants, convergence and calls', async () => {
    // act
    const { outcome, text } = await run({
      regions: '2',
      steps: '15',
      seed: '42',
    });

    // assert
    expect(outcome).toStrictEqual({ passed: true, seed: 42 });
    expect(text).toMatch(/^ {2}15\. /m);
    expect(text).toContain('Faults injected in all:');
    expect(text).toMatch(/^ {2}8\. +\d+ {2}no target holds more/m);
    expect(text).toMatch(/convergence: every target as desired after \d/);
    expect(text).toMatch(/us-east-1 .*event-store .*readStream/);
  });

  it('prints the same report for the same seed', async () => {
    const args = { regions: '3', steps: '20', seed: '5', runs: '2' };

    const [a, b] = [await run(args), await run(args)];

    expect(a.text).toBe(b.text);
  });

  it('lists every invalid option with what it accepts', () => {
    // act
    const parsed = parseSimulateOptions({
      regions: '6',
      steps: 'ten',
      runs: '0',
      faults: 'loss,flood',
    });

    // assert
    expect(parsed._unsafeUnwrapErr()).toStrictEqual([
      '--regions must be 2 to 5, not 6',
      '--steps must be a whole number, not "ten"',
      '--runs must be 1 to 100000, not 0',
      expect.stringMatching(/^--faults has unknown kind\(s\) flood; choose/),
    ]);
  });

  it('takes fault kinds as a list, all, or none', () => {
    const faults = (text: string) =>
      parseSimulateOptions({ faults: text })._unsafeUnwrap().faults;

    expect(faults('loss, reorder,loss')).toStrictEqual(['loss', 'reorder']);
    expect(faults('none')).toStrictEqual([]);
    expect(
      parseSimulateOptions({ faults: ' , ' })._unsafeUnwrapErr(),
    ).toStrictEqual(['--faults names no kind; give kinds, or all, or none']);
    expect(faults('all')).toContain('concurrent');
  });

  it('exits 0 from the command line when every invariant holds', async () => {
    const { stdout } = await cli(['--regions', '2', '--steps', '10']);

    expect(stdout).toContain('Every invariant held in every history.');
  });

  it('exits 2 with a clear error for a bad option', async () => {
    const failed = await cli(['--regions', '1']).catch(
      (e: { code: number; stderr: string }) => e,
    );

    expect(failed).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--regions must be 2 to 5, not 1'),
    });
  });
});

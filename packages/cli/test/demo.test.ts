import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';

const run = async () => {
  const lines: string[] = [];
  const outcome = await runDemo((line) => lines.push(line));

  return { outcome, lines };
};

const linesAfter = (lines: string[], title: string): string[] =>
  lines.slice(lines.findIndex((l) => l.startsWith(title)));

describe('sgsync demo', () => {
  it('ends with every target equal to its desired set', async () => {
    const { outcome } = await run();

    expect(outcome).toEqual({ converged: true, operatorRuleKept: true });
  });

  it('records nothing for the duplicated launch event', async () => {
    // act
    const { lines } = await run();

    // assert
    const step = linesAfter(lines, '2.').slice(0, 6).join('\n');
    expect(step).toContain('recorded nothing new');
    expect(step).toContain('lifecycle action: already-done');
  });

  it('completes the launch while the other region is unreachable', async () => {
    // act
    const { lines } = await run();

    // assert
    const step = linesAfter(lines, '5.').join('\n');
    expect(step).toMatch(/lifecycle action: completed/);
    expect(step).toMatch(/replicate failed for eu-west-1: Unreachable/);
  });

  it('prints the same output on every run', async () => {
    const [a, b] = [await run(), await run()];

    expect(a.lines).toEqual(b.lines);
  });

  it('exits 0 from the command line', async () => {
    // arrange
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

    // act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', main, 'demo'],
      { timeout: 60_000 },
    );

    // assert
    expect(stdout).toContain('Every target holds exactly the cluster');
  });
});

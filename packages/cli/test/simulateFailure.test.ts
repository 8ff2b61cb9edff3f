import { describe, expect, it, vi } from 'vitest';
import type * as Sim from '@sgsync/sim';
import { parseSimulateOptions, runSimulate } from '../src/simulate.js';

vi.mock('@sgsync/sim', async (importOriginal) => {
  const sim = await importOriginal<typeof Sim>();

  return {
    ...sim,
    simulate: async () => ({
      seed: 99,
      outcomes: [],
      failure: {
        seed: 99,
        path: '3:1:0',
        history: '2 regions, ...:\n  1. scale out us-east-1',
        schedule: 'schedulerFor()``',
        outcome: undefined,
      },
    }),
  };
});

describe('sgsync simulate when an invariant breaks', () => {
  it('fails and prints the seed, the path and the shrunk steps', async () => {
    // arrange
    const lines: string[] = [];
    const options = parseSimulateOptions({ seed: '99' })._unsafeUnwrap();

    // act
    const outcome = await runSimulate(options, (l) => lines.push(l));

    // assert
    const text = lines.join('\n');
    expect(outcome.passed).toBe(false);
    expect(text).toContain('AN INVARIANT BROKE.');
    expect(text).toContain('seed 99, path 3:1:0');
    expect(text).toContain('  1. scale out us-east-1');
  });
});

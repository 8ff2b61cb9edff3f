import fc from 'fast-check';
import { historyText } from './arbitraries.js';
import { simulationProperty, type AssertOptions } from './property.js';
import type { HistoryOutcome } from './run.js';

/** A failed simulation: how to replay it, and the shrunk history. */
export interface SimulationFailure {
  readonly seed: number;
  readonly path: string;
  /** The shrunk history, one numbered line per step. */
  readonly history: string;
  /** The order in which the scheduler released concurrent calls. */
  readonly schedule: string;
  /** The shrunk history, played again. */
  readonly outcome: HistoryOutcome | undefined;
}

/** What {@link simulate} played and found. */
export interface SimulationSession {
  readonly seed: number;
  /** Every history played before shrinking, in order. */
  readonly outcomes: readonly HistoryOutcome[];
  readonly failure: SimulationFailure | undefined;
}

/**
 * Plays `runs` histories (default 1) from a seed, as `sgsync simulate`
 * does, and keeps every outcome. On a broken invariant, fast-check
 * shrinks the history; the shrunk one is played again so that its
 * steps can be reported.
 *
 * @example
 * ```ts
 * const session = await simulate({ regions: 3, maxSteps: 40, seed: 7 });
 * session.failure?.history; // the shrunk steps, if an invariant broke
 * ```
 */
export const simulate = async (
  options: AssertOptions,
): Promise<SimulationSession> => {
  const seed = options.seed ?? Date.now() ^ (Math.random() * 0x100000000);
  const outcomes: HistoryOutcome[] = [];
  const details = await fc.check(
    simulationProperty(options, (o) => outcomes.push(o)),
    { numRuns: options.runs ?? 1, seed },
  );
  if (!details.failed) return { seed, outcomes, failure: undefined };

  const path = details.counterexamplePath ?? '';
  const [history, scheduler] = details.counterexample ?? [];

  return {
    seed,
    outcomes: outcomes.slice(0, details.numRuns),
    failure: {
      seed,
      path,
      history: history ? historyText(history) : '(none)',
      schedule: scheduler ? String(scheduler) : '(none)',
      outcome: await replay(options, seed, path),
    },
  };
};

const replay = async (
  options: AssertOptions,
  seed: number,
  path: string,
): Promise<HistoryOutcome | undefined> => {
  let last: HistoryOutcome | undefined;
  await fc.check(
    simulationProperty(options, (o) => (last = o)),
    { seed, path, numRuns: 1, endOnFailure: true },
  );

  return last;
};

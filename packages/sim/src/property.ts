import fc from 'fast-check';
import {
  historyArb,
  historyText,
  type History,
  type HistoryOptions,
} from './arbitraries.js';
import { INVARIANT_TEXT } from './invariants.js';
import { runHistory, type HistoryOutcome } from './run.js';
import { schedulerGate } from './scheduled.js';
import type { Concurrency } from './simulation.js';

/** Concurrency driven by a fast-check scheduler. */
export const schedulerConcurrency = (scheduler: fc.Scheduler): Concurrency => ({
  gate: schedulerGate(scheduler),
  waitFor: (task) => scheduler.waitFor(task),
});

/**
 * The text of a failed history: what broke, where, and the steps that
 * led there (fast-check adds the seed, the path and the shrunk steps).
 */
export const failureText = (outcome: HistoryOutcome): string =>
  [
    `invariant broken at ${outcomePlace(outcome)}:`,
    ...outcome.violations.map(
      (v) =>
        `  invariant ${v.invariant} (${INVARIANT_TEXT[v.invariant]}): ` +
        v.message,
    ),
    'what each step did:',
    ...outcome.steps.map(
      (s) =>
        `  ${s.index}. ${s.text} -> ${s.effect}` +
        (s.failures.length > 0 ? ` [${s.failures.join(', ')}]` : ''),
    ),
  ].join('\n');

const outcomePlace = (outcome: HistoryOutcome): string =>
  outcome.failedAt === 'healing'
    ? 'healing (after every fault ended)'
    : `step ${outcome.failedAt ?? '?'}`;

/**
 * The simulation as a fast-check property: a history and a scheduler
 * are drawn, the history is played, and any broken invariant fails the
 * property with its text. `onOutcome` sees every history played.
 *
 * @example
 * ```ts
 * fc.assert(simulationProperty({ faults: ['loss', 'reorder'] }), {
 *   numRuns: 200,
 * });
 * ```
 */
export const simulationProperty = (
  options: HistoryOptions = {},
  onOutcome: (outcome: HistoryOutcome) => void = () => undefined,
): fc.IAsyncPropertyWithHooks<[History, fc.Scheduler]> =>
  fc.asyncProperty(
    historyArb(options),
    fc.scheduler(),
    async (history, scheduler) => {
      const outcome = await runHistory(
        history,
        schedulerConcurrency(scheduler),
      );
      onOutcome(outcome);
      if (outcome.violations.length > 0) {
        throw new Error(failureText(outcome));
      }
    },
  );

/** How {@link assertSimulation} runs. */
export interface AssertOptions extends HistoryOptions {
  /** How many histories to play (default 100). */
  readonly runs?: number;
  /** A seed to replay (default: a new one). */
  readonly seed?: number;
  /** The path fast-check printed, to replay one shrunk history. */
  readonly path?: string;
}

/**
 * Plays `runs` histories and throws on the first broken invariant, with
 * fast-check's report: the seed, the path, and the shrunk history, one
 * numbered line per step.
 *
 * @example
 * ```ts
 * it('keeps every invariant', async () => {
 *   await assertSimulation({ runs: 100, maxSteps: 25 });
 * });
 * ```
 */
export const assertSimulation = async (
  options: AssertOptions = {},
): Promise<void> => {
  await fc.assert(simulationProperty(options), {
    numRuns: options.runs ?? 100,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
};

export { historyText };

import { trueUp, type RunReport } from '@sgsync/core';
import type { CallCount } from '@sgsync/in-memory';
import type { History } from './arbitraries.js';
import { InvariantChecker, type Tally, type Violation } from './invariants.js';
import { regionsOf } from './shape.js';
import { Simulation, type Concurrency } from './simulation.js';
import { describeStep, faultOf, type FaultKind } from './steps.js';

/** What one step of a history did, for reports. */
export interface StepRecord {
  /** 1 for the first step. */
  readonly index: number;
  readonly text: string;
  /** The fault the step injected; none when it found nothing to act on. */
  readonly fault: FaultKind | undefined;
  readonly effect: string;
  /** The failures the step's runs reported, one line each. */
  readonly failures: readonly string[];
}

/** How the healing phase went. */
export interface Convergence {
  /** The runs of the healing phase: one true-up per region, then notices. */
  readonly healingRuns: number;
  /**
   * After how many healing runs every target first held its desired
   * rules (0: already before them), or undefined when none did.
   */
  readonly convergedAfter: number | undefined;
}

/** Everything one simulated history did and found. */
export interface HistoryOutcome {
  readonly history: History;
  readonly steps: readonly StepRecord[];
  /** Empty when every invariant held. */
  readonly violations: readonly Violation[];
  /** Where the first violation was found: a step number, or `healing`. */
  readonly failedAt: number | 'healing' | undefined;
  /** How many checks of each invariant held. */
  readonly tally: Tally;
  readonly convergence: Convergence | undefined;
  /** The in-memory cloud's calls, per region, service and operation. */
  readonly calls: readonly CallCount[];
}

/**
 * Plays a history on a new in-memory cluster: each step, then the
 * safety invariants (1, 3 to 8); then heals every fault, runs one
 * true-up per region, delivers the notices those true-ups sent, and
 * checks convergence (2); then delivers the lifecycle events still
 * queued and checks that every action was completed (5) and that the
 * targets stay converged. Stops at the first violation.
 *
 * @example
 * ```ts
 * const outcome = await runHistory(history, concurrency);
 * outcome.violations; // [] when every invariant held
 * ```
 */
export const runHistory = async (
  history: History,
  concurrency?: Concurrency,
): Promise<HistoryOutcome> => {
  const sim = new Simulation(history.shape, concurrency);
  const checker = new InvariantChecker(sim);
  const steps: StepRecord[] = [];
  const finish = (
    violations: Violation[],
    failedAt: HistoryOutcome['failedAt'],
    convergence?: Convergence,
  ): HistoryOutcome => ({
    history,
    steps,
    violations,
    failedAt,
    tally: checker.held,
    convergence,
    calls: sim.cluster.calls.snapshot(),
  });

  for (const [i, step] of history.steps.entries()) {
    const outcome = await sim.step(step);
    steps.push(recordOf(i + 1, step, sim, outcome));
    const violations = [
      ...checker.tallied(7, [...outcome.violations]),
      ...checker.safety(outcome.reports, outcome.concurrent),
    ];
    if (violations.length > 0) return finish(violations, i + 1);
  }

  const healed = await heal(sim, checker);

  return finish(
    healed.violations,
    healed.violations.length > 0 ? 'healing' : undefined,
    healed.convergence,
  );
};

const recordOf = (
  index: number,
  step: History['steps'][number],
  sim: Simulation,
  outcome: Awaited<ReturnType<Simulation['step']>>,
): StepRecord => ({
  index,
  text: describeStep(step, sim.regions),
  fault: outcome.idle ? undefined : faultOf(step),
  effect: outcome.effect,
  failures: failureLines(outcome.reports),
});

/** One line per failure that the runs reported. */
export const failureLines = (reports: readonly RunReport[]): string[] =>
  reports.flatMap((r) =>
    r.failures.map(
      (f) =>
        `${f.step} ${f.region}${f.target ? ` ${f.target}` : ''}: ` +
        `${f.error.kind}`,
    ),
  );

interface Healed {
  readonly violations: Violation[];
  readonly convergence: Convergence | undefined;
}

const heal = async (
  sim: Simulation,
  checker: InvariantChecker,
): Promise<Healed> => {
  sim.cluster.faults.clear();
  const runs = healingRuns(sim);
  let convergedAfter = checker.isConverged() ? 0 : undefined;
  for (const [i, run] of runs.entries()) {
    const violations = checker.safety(await run(), false);
    if (violations.length > 0) return { violations, convergence: undefined };
    if (convergedAfter === undefined && checker.isConverged()) {
      convergedAfter = i + 1;
    }
  }

  const convergence = { healingRuns: runs.length, convergedAfter };
  const violations = [
    ...checker.converged(),
    ...(await deliverQueued(sim, checker)),
  ];

  return { violations, convergence };
};

/** One true-up per region, in order; then every region's notices. */
const healingRuns = (
  sim: Simulation,
): (() => Promise<readonly RunReport[]>)[] => [
  ...sim.regions.map((region) => async () => [
    await trueUp(sim.contextOf(region)),
  ]),
  ...sim.regions.map((region) => () => sim.drainNotices(region)),
];

/**
 * Delivers every lifecycle event still queued (delayed ones, and those
 * whose completion failed), then checks that every action sgsync
 * received was completed and that the targets are still as desired.
 */
const deliverQueued = async (
  sim: Simulation,
  checker: InvariantChecker,
): Promise<Violation[]> => {
  for (const region of sim.regions) {
    const queue = sim.pending.get(region) ?? [];
    let budget = 3 * queue.length;
    for (let event = queue.shift(); event && budget > 0; budget -= 1) {
      const violations = checker.safety(
        [await sim.handle(region, event)],
        false,
      );
      if (violations.length > 0) return violations;
      event = queue.shift();
    }
  }

  return [...checker.allActionsCompleted(), ...checker.converged()];
};

/** The region names of a history's cluster. */
export const historyRegions = (history: History): string[] =>
  regionsOf(history.shape);

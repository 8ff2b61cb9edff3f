import {
  FAULT_KINDS,
  INVARIANT_IDS,
  INVARIANT_TEXT,
  MAX_REGIONS,
  MIN_REGIONS,
  describeShape,
  emptyTally,
  failureText,
  simulate,
  type FaultKind,
  type HistoryOutcome,
  type SimulationSession,
  type Tally,
} from '@sgsync/sim';
import Table from 'cli-table3';
import { err, ok, type Result } from 'neverthrow';
import type { Print } from './render.js';

/** What `sgsync simulate` runs, once its options are checked. */
export interface SimulateOptions {
  readonly regions: number;
  readonly steps: number;
  readonly runs: number;
  readonly seed: number | undefined;
  readonly faults: readonly FaultKind[];
}

/** The options as commander hands them over: text, or absent. */
export interface RawSimulateOptions {
  readonly regions?: string;
  readonly steps?: string;
  readonly runs?: string;
  readonly seed?: string;
  readonly faults?: string;
}

/** The most steps and histories one command may ask for. */
export const MAX_STEPS = 1000;
export const MAX_RUNS = 100_000;

const INT32 = 2 ** 31;

const integerIn = (
  name: string,
  text: string,
  [min, max]: readonly [number, number],
): Result<number, string> => {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    return err(`--${name} must be a whole number, not "${text}"`);
  }

  return value < min || value > max
    ? err(`--${name} must be ${min} to ${max}, not ${value}`)
    : ok(value);
};

const faultsOf = (text: string): Result<FaultKind[], string> => {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
  if (words.length === 1 && words[0] === 'all') return ok([...FAULT_KINDS]);
  if (words.length === 1 && words[0] === 'none') return ok([]);
  if (words.length === 0) {
    return err('--faults names no kind; give kinds, or all, or none');
  }

  const known = new Set<string>(FAULT_KINDS);
  const unknown = words.filter((w) => !known.has(w));

  return unknown.length > 0
    ? err(
        `--faults has unknown kind(s) ${unknown.join(', ')}; ` +
          `choose among ${FAULT_KINDS.join(', ')}, or all, or none`,
      )
    : ok([...new Set(words)] as FaultKind[]);
};

/**
 * Checks the options of `sgsync simulate` and lists every problem: 2 to
 * 5 regions, 1 to 1000 steps, 1 to 100000 runs, a 32-bit seed, and
 * known fault kinds (comma-separated, or `all`, or `none`).
 *
 * @example
 * ```ts
 * parseSimulateOptions({ regions: '7' });
 * // err(['--regions must be 2 to 5, not 7'])
 * ```
 */
export const parseSimulateOptions = (
  raw: RawSimulateOptions,
): Result<SimulateOptions, string[]> => {
  const regions = integerIn('regions', raw.regions ?? '3', [
    MIN_REGIONS,
    MAX_REGIONS,
  ]);
  const steps = integerIn('steps', raw.steps ?? '40', [1, MAX_STEPS]);
  const runs = integerIn('runs', raw.runs ?? '1', [1, MAX_RUNS]);
  const seed =
    raw.seed === undefined
      ? ok<number | undefined, string>(undefined)
      : integerIn('seed', raw.seed, [-INT32, INT32 - 1]);
  const faults = faultsOf(raw.faults ?? 'all');
  const problems = [regions, steps, runs, seed, faults].flatMap((r) =>
    r.isErr() ? [r.error] : [],
  );
  if (problems.length > 0) return err(problems);

  return ok({
    regions: regions._unsafeUnwrap(),
    steps: steps._unsafeUnwrap(),
    runs: runs._unsafeUnwrap(),
    seed: seed._unsafeUnwrap(),
    faults: faults._unsafeUnwrap(),
  });
};

/** What a simulation found: whether every invariant held. */
export interface SimulateOutcome {
  readonly passed: boolean;
  readonly seed: number;
}

/**
 * Runs the simulation that the property tests run, for a user: `runs`
 * histories of exactly `steps` steps in `regions` regions, from a seed,
 * and prints the steps, the faults injected, each invariant with the
 * number of checks that held, how many healing runs convergence took,
 * and the calls each region's simulated cloud served. On a broken
 * invariant it prints the seed, the path and the shrunk steps.
 *
 * @example
 * ```ts
 * const outcome = await runSimulate(options, (line) => console.log(line));
 * process.exitCode = outcome.passed ? 0 : 1;
 * ```
 */
export const runSimulate = async (
  options: SimulateOptions,
  print: Print,
): Promise<SimulateOutcome> => {
  const session = await simulate({
    regions: options.regions,
    minSteps: options.steps,
    maxSteps: options.steps,
    faults: options.faults,
    runs: options.runs,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  printHeader(options, session, print);
  printHistories(session.outcomes, print);
  printTotals(session.outcomes, print);
  if (session.failure) printFailure(options, session, print);
  else print('Every invariant held in every history.');

  return { passed: session.failure === undefined, seed: session.seed };
};

const replayCommand = (options: SimulateOptions, seed: number): string =>
  `sgsync simulate --regions ${options.regions} --steps ${options.steps} ` +
  `--runs ${options.runs} --seed ${seed} ` +
  `--faults ${options.faults.length > 0 ? options.faults.join(',') : 'none'}`;

const printHeader = (
  options: SimulateOptions,
  session: SimulationSession,
  print: Print,
): void => {
  print(
    `sgsync simulate: ${options.runs} history(ies) of ${options.steps} ` +
      `steps in ${options.regions} regions, seed ${session.seed}`,
  );
  print(`faults: ${options.faults.join(', ') || 'none'}`);
  print(`replay: ${replayCommand(options, session.seed)}`);
};

/** Up to this many histories are printed step by step. */
const DETAILED = 3;

const printHistories = (
  outcomes: readonly HistoryOutcome[],
  print: Print,
): void => {
  outcomes.forEach((outcome, i) => {
    print('');
    print(`History ${i + 1}: ${describeShape(outcome.history.shape)}`);
    if (i < DETAILED) printSteps(outcome, print);
    print(`  faults injected: ${faultCounts([outcome]) || 'none'}`);
    print(`  ${convergenceText(outcome)}`);
  });
};

const printSteps = (outcome: HistoryOutcome, print: Print): void => {
  for (const s of outcome.steps) {
    const fault = s.fault ? ` [fault: ${s.fault}]` : '';
    print(`  ${s.index}. ${s.text}${fault} -> ${s.effect}`);
    for (const f of s.failures) print(`       ! ${f}`);
  }
};

const faultCounts = (outcomes: readonly HistoryOutcome[]): string => {
  const counts = new Map<FaultKind, number>();
  for (const s of outcomes.flatMap((o) => o.steps)) {
    if (s.fault) counts.set(s.fault, (counts.get(s.fault) ?? 0) + 1);
  }

  return FAULT_KINDS.filter((k) => counts.has(k))
    .map((k) => `${k} x${counts.get(k) ?? 0}`)
    .join(', ');
};

const convergenceText = (outcome: HistoryOutcome): string => {
  const c = outcome.convergence;
  if (!c) return 'convergence: not reached (an invariant broke first)';
  if (c.convergedAfter === undefined) {
    return `convergence: NOT reached after ${c.healingRuns} healing runs`;
  }

  return (
    `convergence: every target as desired after ${c.convergedAfter} of ` +
    `${c.healingRuns} healing runs (a true-up per region, then notices)`
  );
};

const printTotals = (
  outcomes: readonly HistoryOutcome[],
  print: Print,
): void => {
  print('');
  print(`Faults injected in all: ${faultCounts(outcomes) || 'none'}`);
  print('Invariants (checks that held):');
  const tally = sumTallies(outcomes);
  for (const id of INVARIANT_IDS) {
    print(`  ${id}. ${String(tally[id]).padStart(6)}  ${INVARIANT_TEXT[id]}`);
  }
  print('Calls to the simulated cloud, per region:');
  print(callsTable(outcomes));
};

const sumTallies = (outcomes: readonly HistoryOutcome[]): Tally => {
  const sum = emptyTally();
  for (const o of outcomes) {
    for (const id of INVARIANT_IDS) sum[id] += o.tally[id];
  }

  return sum;
};

const callsTable = (outcomes: readonly HistoryOutcome[]): string => {
  const rows = new Map<string, { calls: number; failures: number }>();
  for (const c of outcomes.flatMap((o) => o.calls)) {
    const key = `${c.region}|${c.service}|${c.operation}`;
    const row = rows.get(key) ?? { calls: 0, failures: 0 };
    rows.set(key, {
      calls: row.calls + c.calls,
      failures: row.failures + c.failures,
    });
  }
  const table = new Table({
    head: ['region', 'service', 'operation', 'calls', 'failed'],
    style: { head: [], border: [], compact: true },
  });
  for (const [key, row] of [...rows].sort(([a], [b]) => (a < b ? -1 : 1))) {
    table.push([...key.split('|'), row.calls, row.failures]);
  }

  return table.toString();
};

const printFailure = (
  options: SimulateOptions,
  session: SimulationSession,
  print: Print,
): void => {
  const failure = session.failure;
  if (!failure) return;

  print('');
  print('AN INVARIANT BROKE.');
  print(`seed ${failure.seed}, path ${failure.path}`);
  print(`replay: ${replayCommand(options, failure.seed)}`);
  print('shrunk steps:');
  print(failure.history);
  if (failure.outcome) print(failureText(failure.outcome));
  print(`schedule of concurrent calls: ${failure.schedule}`);
};

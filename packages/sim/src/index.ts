/**
 * A model-based simulation of sgsync under faults. One cluster of 2 to
 * 5 regions runs on the in-memory adapters through random steps
 * (scaling, lifecycle events lost, duplicated, reordered or delayed,
 * concurrent runs interleaved by fast-check's scheduler, unreachable
 * regions, throttled calls, plans failing halfway, operator rules, late
 * addresses, Lambda retries, true-ups); after every step the safety
 * invariants of the design are checked, and after the faults heal and
 * one true-up per region, convergence.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { simulationProperty } from '@sgsync/sim';
 *
 * await fc.assert(simulationProperty({ maxSteps: 20 }), { numRuns: 50 });
 * ```
 *
 * @packageDocumentation
 */
export {
  historyArb,
  historyText,
  shapeArb,
  stepArb,
  withText,
  type History,
  type HistoryOptions,
} from './arbitraries.js';
export {
  INVARIANT_IDS,
  INVARIANT_TEXT,
  InvariantChecker,
  emptyTally,
  type InvariantId,
  type Tally,
  type Violation,
} from './invariants.js';
export {
  assertSimulation,
  failureText,
  schedulerConcurrency,
  simulationProperty,
  type AssertOptions,
} from './property.js';
export {
  failureLines,
  runHistory,
  type Convergence,
  type HistoryOutcome,
  type StepRecord,
} from './run.js';
export { gatedPorts, schedulerGate, type Gate } from './scheduled.js';
export {
  simulate,
  type SimulationFailure,
  type SimulationSession,
} from './session.js';
export {
  MAX_REGIONS,
  MIN_REGIONS,
  REGION_NAMES,
  SIM_CLUSTER,
  configOf,
  describeShape,
  regionsOf,
  type ClusterShape,
} from './shape.js';
export {
  Simulation,
  type Concurrency,
  type StepOutcome,
  type WaitFor,
} from './simulation.js';
export {
  FAULT_KINDS,
  OPERATOR_RULES,
  THROTTLED_CALLS,
  describeStep,
  faultOf,
  type FaultKind,
  type Invocation,
  type OperatorRule,
  type Step,
  type ThrottledCall,
} from './steps.js';
export {
  desiredKeys,
  instancesIn,
  memberCidrs,
  rulesIn,
  targetOf,
} from './truth.js';

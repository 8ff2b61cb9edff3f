/**
 * The sgsync AWS Lambda handler: it reads the configuration once, parses
 * what it is invoked with, runs the matching use case of the core and
 * writes structured logs and metrics. The port factory is injected, so
 * that the same handler runs on AWS adapters in Lambda and on in-memory
 * ports in tests.
 *
 * @packageDocumentation
 */
export {
  COMPLETION_RESERVE_MS,
  lifecycleBudget,
  systemTimer,
  type LifecycleBudget,
  type Timer,
  type Wait,
} from './deadline.js';
export {
  inputInvalid,
  LIFECYCLE_DETAIL_TYPES,
  parseInvocation,
  type Invocation,
  type InvocationKind,
} from './events.js';
export {
  LOG_FIELDS,
  METRIC_NAMES,
  type LogField,
  type LogFields,
  type MetricName,
} from './fields.js';
export {
  createHandler,
  defaultTelemetry,
  invocationProblems,
  InvocationFailed,
  type HandlerDependencies,
  type InvocationContext,
  type LifecycleSignalFactory,
  type PortsFactory,
  type SgsyncHandler,
} from './handler.js';
export {
  summarise,
  type FailureSummary,
  type InvocationResult,
  type TargetSummary,
} from './result.js';
export {
  DEFAULT_LIFECYCLE_BOUND_MS,
  DEFAULT_SNAPSHOT_EVERY,
  ENV,
  readSettings,
  type Environment,
  type Settings,
} from './settings.js';
export { errorFields, recordRun, type Telemetry } from './telemetry.js';

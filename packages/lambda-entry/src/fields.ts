/**
 * The names of every field that sgsync's logs carry, in one place. Log
 * records use these keys and no others, so that a query written against
 * one run works against every run.
 *
 * @example
 * ```ts
 * logger.info('target reconciled', {
 *   [LOG_FIELDS.securityGroupId]: 'sg-0123456789abcdef0',
 *   [LOG_FIELDS.rulesAuthorized]: 2,
 * });
 * ```
 */
export const LOG_FIELDS = {
  /** The cluster's name, from the configuration. */
  cluster: 'cluster',
  /** The region a record is about (the local one unless it says so). */
  region: 'region',
  /** The region whose function wrote the record. */
  localRegion: 'local_region',
  /** A membership stream's name, `cluster/region`. */
  stream: 'stream',
  /** A stream's version after the step. */
  streamVersion: 'stream_version',
  /** How many events a step recorded or copied. */
  eventsRecorded: 'events_recorded',
  eventsCopied: 'events_copied',
  /** A target security group's id. */
  securityGroupId: 'security_group_id',
  /** How many rules a plan authorized or revoked. */
  rulesAuthorized: 'rules_authorized',
  rulesRevoked: 'rules_revoked',
  /** How many API calls applying a plan took. */
  apiCalls: 'api_calls',
  /** True when the target held its desired rules after the step. */
  converged: 'converged',
  /** A plan in its canonical text form (dry runs). */
  plan: 'plan',
  /** The instance a lifecycle action is about. */
  instanceId: 'instance_id',
  /** The Auto Scaling group a record is about. */
  asgName: 'asg_name',
  /** The lifecycle hook and its transition. */
  lifecycleHook: 'lifecycle_hook',
  lifecycleTransition: 'lifecycle_transition',
  /** Where the instance comes from and goes to (EC2, WarmPool, ...). */
  origin: 'origin',
  destination: 'destination',
  /** How the lifecycle action ended: completed, already-done, failed. */
  lifecycleOutcome: 'lifecycle_outcome',
  /** What kind of input the function received. */
  eventKind: 'event_kind',
  /** Lambda's id of the invocation. */
  requestId: 'request_id',
  /** The EventBridge event's id, when there is one. */
  eventId: 'event_id',
  /** The step of a run: observe, record, replicate, reconcile, ... */
  step: 'step',
  /** The `kind` of an sgsync error, and its message and details. */
  errorKind: 'error_kind',
  errorMessage: 'error_message',
  problems: 'problems',
  /** Milliseconds a bound allowed, and milliseconds a run took. */
  boundMs: 'bound_ms',
  durationMs: 'duration_ms',
  /** How many failures a run reported. */
  failures: 'failures',
} as const;

/** A field name of the catalogue. */
export type LogField = (typeof LOG_FIELDS)[keyof typeof LOG_FIELDS];

/** A log record's fields: catalogue names only. */
export type LogFields = Partial<Record<LogField, unknown>>;

/** The metric names sgsync publishes, in the `sgsync` namespace. */
export const METRIC_NAMES = {
  rulesAuthorized: 'RulesAuthorized',
  rulesRevoked: 'RulesRevoked',
  driftFound: 'DriftFound',
  remoteFailures: 'RemoteFailures',
  plansRefused: 'PlansRefused',
  lifecycleActionsCompleted: 'LifecycleActionsCompleted',
  inputsRejected: 'InputsRejected',
} as const;

/** A metric name of the catalogue. */
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

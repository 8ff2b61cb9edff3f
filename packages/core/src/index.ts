/**
 * The pure core of sgsync: cluster configuration, membership streams as
 * an event-sourced decider, the cluster view, the deterministic rule plan,
 * the ports that adapters implement, and the use cases that drive them.
 *
 * @packageDocumentation
 */
export {
  canonicalCidr,
  isIpv4,
  isIpv6,
  isSingleAddress,
  memberCidr,
} from './addresses.js';
export {
  parseClusterConfig,
  regionConfig,
  type ClusterConfig,
  type ManagedMarker,
  type RegionConfig,
} from './config.js';
export {
  isTransient,
  type AddressFamily,
  type ConfigInvalid,
  type InputInvalid,
  type NotFound,
  type Problem,
  type QuotaExceeded,
  type Rejected,
  type SgsyncError,
  type SgsyncErrorKind,
  type Stale,
  type StreamCorrupt,
  type Throttled,
  type Unexpected,
  type Unreachable,
  type UnsafeRule,
  type VersionConflict,
} from './errors.js';
export { parseMembershipEvent, parseStoredEvents } from './eventSchema.js';
export {
  streamName,
  type Cause,
  type LeaveReason,
  type MemberAddressesChanged,
  type MemberJoined,
  type MemberLeft,
  type MembershipCommand,
  type MembershipEvent,
  type RecordLaunch,
  type RecordTermination,
  type RecordTrueUp,
  type StoredEvent,
  type StreamName,
} from './events.js';
export {
  compactAddresses,
  compareText,
  currentMembers,
  decide,
  DEPARTED_RETENTION_DAYS,
  evolve,
  initialState,
  isMemberState,
  replay,
  sameAddresses,
  type MemberRecord,
  type MembershipState,
} from './membership.js';
export {
  familyOf,
  type ActualRule,
  type Addresses,
  type AddressKind,
  type InstanceId,
  type LifecycleState,
  type Observation,
  type ObservedInstance,
  type Protocol,
  type RegionName,
  type Rule,
  type RuleTemplate,
  type TargetKind,
  type TargetRef,
} from './model.js';
export {
  chunk,
  computePlan,
  isEmptyPlan,
  revocationsOnly,
  serialisePlan,
  type Plan,
  type PlanInput,
  type Revocation,
} from './plan.js';
export type {
  ApplyOutcome,
  ChangeNotice,
  Clock,
  EventStore,
  FirewallTarget,
  LifecycleAction,
  LifecycleSignal,
  MembershipSource,
  Notifier,
  RegionPorts,
  SnapshotStore,
  SnapshotWrite,
  StreamSlice,
} from './ports.js';
export { compareRules, isManaged, normaliseRule, ruleKey } from './rules.js';
export {
  parseSnapshot,
  restoreState,
  toSnapshot,
  type DepartedRecord,
  type Snapshot,
  type SnapshotState,
} from './snapshot.js';
export { createRegionContext, type RegionContext } from './usecases/context.js';
export {
  handleLifecycleEvent,
  handleRemoteChange,
  planOnly,
  trueUp,
  type LifecycleEventInput,
  type LifecycleOptions,
  type RemoteOptions,
  type LifecyclePlace,
} from './usecases/flows.js';
export {
  readLocalView,
  reconcileLocalTargets,
  type ReconcileResults,
} from './usecases/reconcile.js';
export { copyMissing } from './usecases/replicate.js';
export { DEFAULT_SNAPSHOT_EVERY, readStreamState } from './usecases/streams.js';
export type {
  ReplicationReport,
  RunReport,
  Step,
  StepFailure,
  TargetReport,
} from './usecases/report.js';
export { buildView, desiredRules, type ClusterView } from './view.js';

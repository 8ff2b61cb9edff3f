import type { ResultAsync } from 'neverthrow';
import type { SgsyncError } from './errors.js';
import type { MembershipEvent, StoredEvent, StreamName } from './events.js';
import type { Plan } from './plan.js';
import type { Snapshot } from './snapshot.js';
import type {
  ActualRule,
  InstanceId,
  Observation,
  RegionName,
  TargetRef,
} from './model.js';

/**
 * The members of one region's Auto Scaling groups, with their addresses
 * and lifecycle states. One adapter serves one region.
 */
export interface MembershipSource {
  /**
   * Looks at the named groups; instances of every group, in any order. A
   * group that does not exist contributes no instances (it is not an
   * error, as AWS's DescribeAutoScalingGroups returns nothing for an
   * unknown name), and an empty list of names observes no instances.
   */
  observe(asgNames: readonly string[]): ResultAsync<Observation, SgsyncError>;
}

/** What a stream read returns. */
export interface StreamSlice {
  /** The stream's last version (0 when it has no events). */
  readonly version: number;
  /** The events after `fromVersion`, in version order. */
  readonly events: readonly StoredEvent[];
}

/**
 * The store of membership streams in one region. It holds its own
 * region's stream, written only by that region, and replicas of the other
 * regions' streams, copied in by them.
 */
export interface EventStore {
  /**
   * The most events one append takes, when the backend has a limit. The
   * use cases split a longer decision into appends of at most this many,
   * each at the version the previous one left: every event is a fact of
   * its own, so a decision recorded in parts is still true.
   */
  readonly maxEventsPerAppend?: number;

  /** Reads the events of a stream after `fromVersion` (default 0). */
  readStream(
    stream: StreamName,
    fromVersion?: number,
  ): ResultAsync<StreamSlice, SgsyncError>;

  /**
   * Appends events, all or none, if the stream is at `expectedVersion`;
   * otherwise fails with `VersionConflict` and writes nothing.
   */
  appendToStream(
    stream: StreamName,
    expectedVersion: number,
    events: readonly MembershipEvent[],
  ): ResultAsync<{ readonly version: number }, SgsyncError>;

  /**
   * Copies events of another region's stream, keeping their versions.
   * Idempotent: an event already held is skipped. An event whose version is
   * held with other content fails with `StreamCorrupt`.
   */
  copyEvents(
    stream: StreamName,
    events: readonly StoredEvent[],
  ): ResultAsync<{ readonly copied: number }, SgsyncError>;
}

/**
 * What writing a snapshot did: `written`, `kept` when the store already
 * holds a snapshot of this version or a later one (nothing changed), or
 * `too-large` when the state does not fit the store's item (nothing was
 * written; readers go on replaying the stream in full). `bytes` is the
 * size of the serialised snapshot.
 */
export interface SnapshotWrite {
  readonly outcome: 'written' | 'kept' | 'too-large';
  readonly bytes: number;
}

/**
 * The latest snapshot of each stream of one region's store, so that a
 * reader folds only the events after it. Optional: without it, streams
 * are replayed from their first event.
 */
export interface SnapshotStore {
  /** The latest snapshot of a stream, or undefined when none is held. */
  readSnapshot(
    stream: StreamName,
  ): ResultAsync<Snapshot | undefined, SgsyncError>;

  /**
   * Keeps a snapshot of a stream. Idempotent, and never goes backwards: a
   * snapshot older than or as old as the one held changes nothing.
   */
  writeSnapshot(
    stream: StreamName,
    snapshot: Snapshot,
  ): ResultAsync<SnapshotWrite, SgsyncError>;
}

/** What applying a plan did. */
export interface ApplyOutcome {
  readonly authorized: number;
  readonly revoked: number;
  /** How many API calls it took. */
  readonly calls: number;
}

/**
 * A firewall target of one region: read its inbound rules, apply a plan.
 */
export interface FirewallTarget {
  /**
   * Every inbound rule of the target, managed or not. Rules whose source is
   * not an address range are included with `cidr` undefined.
   */
  readRules(target: TargetRef): ResultAsync<readonly ActualRule[], SgsyncError>;

  /**
   * Authorizes and revokes what the plan says, tagging every new rule with
   * the plan's marker. Fails with `Stale` when the target changed since it
   * was read (a duplicate, or a rule already gone).
   */
  applyPlan(plan: Plan): ResultAsync<ApplyOutcome, SgsyncError>;
}

/** One lifecycle action that Auto Scaling waits on. */
export interface LifecycleAction {
  readonly asgName: string;
  readonly hookName: string;
  readonly token: string;
  readonly instanceId: InstanceId;
}

/**
 * Tells Auto Scaling that a lifecycle action may go on. An action that is
 * already complete, or expired, counts as done.
 */
export interface LifecycleSignal {
  complete(
    action: LifecycleAction,
  ): ResultAsync<'completed' | 'already-done', SgsyncError>;
  heartbeat(action: LifecycleAction): ResultAsync<void, SgsyncError>;
}

/** A notice that a region's stream changed. */
export interface ChangeNotice {
  readonly cluster: string;
  readonly fromRegion: RegionName;
  readonly stream: StreamName;
  readonly version: number;
  readonly sentAt: string;
}

/** Tells another region that a stream changed, so that it reconciles. */
export interface Notifier {
  notify(
    toRegion: RegionName,
    notice: ChangeNotice,
  ): ResultAsync<void, SgsyncError>;
}

/** The time, as ISO 8601 text. */
export interface Clock {
  now(): string;
}

/**
 * Everything a region's use cases need: its own membership source,
 * firewall, lifecycle signal and notifier, and the event store of every
 * region of the cluster (its own included).
 */
export interface RegionPorts {
  readonly region: RegionName;
  readonly membership: MembershipSource;
  readonly firewall: FirewallTarget;
  readonly lifecycle: LifecycleSignal;
  readonly notifier: Notifier;
  readonly clock: Clock;
  /** The event store of each region, by region name. */
  readonly stores: ReadonlyMap<RegionName, EventStore>;
  /** Snapshots of the streams of the local region's store, if any. */
  readonly snapshots?: SnapshotStore;
  /**
   * Writes a new snapshot when more than this many events followed the
   * last one (default 100). Used only with `snapshots`.
   */
  readonly snapshotEvery?: number;
}

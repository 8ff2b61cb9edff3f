import type {
  Addresses,
  InstanceId,
  ObservedInstance,
  RegionName,
} from './model.js';

/** What made sgsync record a change. */
export type Cause = 'lifecycle-launch' | 'lifecycle-terminate' | 'true-up';

/** An instance became a member of the cluster. */
export interface MemberJoined {
  readonly type: 'MemberJoined';
  readonly data: {
    readonly instanceId: InstanceId;
    readonly asgName: string;
    readonly addresses: Addresses;
    readonly cause: Cause;
    readonly observedAt: string;
  };
}

/**
 * Why a member left. `terminated` is final: AWS never lists the instance
 * in service again, and the stream refuses its joins for
 * `DEPARTED_RETENTION_DAYS` days. A `parked` member went back to a warm
 * pool and a `detached` one left its group (or was no longer listed in
 * it); both may join again.
 */
export type LeaveReason = 'terminated' | 'parked' | 'detached';

/** A member left the cluster; see {@link LeaveReason}. */
export interface MemberLeft {
  readonly type: 'MemberLeft';
  readonly data: {
    readonly instanceId: InstanceId;
    readonly reason: LeaveReason;
    readonly cause: Cause;
    readonly observedAt: string;
  };
}

/** A member's addresses changed (assigned late, or re-associated). */
export interface MemberAddressesChanged {
  readonly type: 'MemberAddressesChanged';
  readonly data: {
    readonly instanceId: InstanceId;
    readonly addresses: Addresses;
    readonly observedAt: string;
  };
}

/** Every event of a membership stream. */
export type MembershipEvent =
  MemberJoined | MemberLeft | MemberAddressesChanged;

/**
 * An event as a store holds it: the stream it belongs to and its version
 * there (1 for the first event). Versions are contiguous.
 */
export interface StoredEvent {
  readonly stream: StreamName;
  readonly version: number;
  readonly event: MembershipEvent;
}

/** The name of one (cluster, region) membership stream. */
export type StreamName = string;

/**
 * The stream of one region's membership in one cluster.
 *
 * @example
 * ```ts
 * streamName('orders-db', 'eu-west-1'); // 'orders-db/eu-west-1'
 * ```
 */
export const streamName = (cluster: string, region: RegionName): StreamName =>
  `${cluster}/${region}`;

/** A launch observed through a lifecycle hook. */
export interface RecordLaunch {
  readonly type: 'RecordLaunch';
  readonly instance: ObservedInstance;
  readonly observedAt: string;
}

/** A termination observed through a lifecycle hook. */
export interface RecordTermination {
  readonly type: 'RecordTermination';
  readonly instanceId: InstanceId;
  readonly observedAt: string;
}

/**
 * A full look at the region's Auto Scaling groups. Members the stream
 * holds that are not in `instances` are recorded as `detached` (they may
 * be attached again); those seen terminating have left for good.
 */
export interface RecordTrueUp {
  readonly type: 'RecordTrueUp';
  readonly instances: readonly ObservedInstance[];
  readonly observedAt: string;
}

/** Every command the membership decider takes. */
export type MembershipCommand = RecordLaunch | RecordTermination | RecordTrueUp;

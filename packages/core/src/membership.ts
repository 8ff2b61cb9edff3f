import { match } from 'ts-pattern';
import type {
  Cause,
  LeaveReason,
  MemberAddressesChanged,
  MemberJoined,
  MemberLeft,
  MembershipCommand,
  MembershipEvent,
  RecordTrueUp,
} from './events.js';
import type {
  Addresses,
  InstanceId,
  LifecycleState,
  ObservedInstance,
} from './model.js';

/** What a stream knows of one instance. */
export interface MemberRecord {
  readonly instanceId: InstanceId;
  readonly asgName: string;
  readonly addresses: Addresses;
  /** `left` is final: a terminated member never comes back. */
  readonly status: 'member' | 'left';
}

/** The state of one membership stream: every instance it has heard of. */
export interface MembershipState {
  /** How many events the state was folded from. */
  readonly version: number;
  readonly members: ReadonlyMap<InstanceId, MemberRecord>;
}

/** The state of a stream with no events. */
export const initialState = (): MembershipState => ({
  version: 0,
  members: new Map(),
});

/**
 * Decides what a command changes in a stream. Pure and total: the same
 * command on the same state always gives the same events, and a command
 * that changes nothing (a duplicate, a late launch of a member that left)
 * gives none.
 *
 * @example
 * ```ts
 * const events = decide(
 *   {
 *     type: 'RecordTermination',
 *     instanceId: 'i-1',
 *     observedAt: '2026-01-01T00:00:00Z',
 *   },
 *   initialState(),
 * );
 * // [{ type: 'MemberLeft', data: { instanceId: 'i-1', ... } }]
 * ```
 */
export const decide = (
  command: MembershipCommand,
  state: MembershipState,
): MembershipEvent[] =>
  match(command)
    .with({ type: 'RecordLaunch' }, (c) =>
      decideInstance(state, c.instance, c.observedAt, 'lifecycle-launch'),
    )
    .with({ type: 'RecordTermination' }, (c) =>
      state.members.get(c.instanceId)?.status === 'left'
        ? []
        : [
            left(
              c.instanceId,
              'terminated',
              'lifecycle-terminate',
              c.observedAt,
            ),
          ],
    )
    .with({ type: 'RecordTrueUp' }, (c) => decideTrueUp(state, c))
    .exhaustive();

/**
 * Folds one event into the state. The input state is not changed. A join
 * of an instance that left is ignored: `left` is final even for a history
 * that says otherwise.
 */
export const evolve = (
  state: MembershipState,
  event: MembershipEvent,
): MembershipState => {
  const members = new Map(state.members);
  applyEvent(members, event);

  return { version: state.version + 1, members };
};

/**
 * Folds a whole history, in version order, into a state. Faster than
 * repeated {@link evolve} calls: it builds one map.
 */
export const replay = (
  events: Iterable<MembershipEvent>,
  from: MembershipState = initialState(),
): MembershipState => {
  const members = new Map(from.members);
  let version = from.version;
  for (const event of events) {
    applyEvent(members, event);
    version += 1;
  }

  return { version, members };
};

/** The members of a stream that are in the cluster now, by instance id. */
export const currentMembers = (state: MembershipState): MemberRecord[] =>
  [...state.members.values()]
    .filter((m) => m.status === 'member')
    .sort((a, b) => compareText(a.instanceId, b.instanceId));

const applyEvent = (
  members: Map<InstanceId, MemberRecord>,
  event: MembershipEvent,
): void =>
  match(event)
    .with({ type: 'MemberJoined' }, ({ data }) => {
      if (members.get(data.instanceId)?.status === 'left') return;
      members.set(data.instanceId, {
        instanceId: data.instanceId,
        asgName: data.asgName,
        addresses: data.addresses,
        status: 'member',
      });
    })
    .with({ type: 'MemberLeft' }, ({ data }) => {
      applyLeft(members, data);
    })
    .with({ type: 'MemberAddressesChanged' }, ({ data }) => {
      const record = members.get(data.instanceId);
      if (record?.status === 'member') {
        members.set(data.instanceId, { ...record, addresses: data.addresses });
      }
    })
    .exhaustive();

const applyLeft = (
  members: Map<InstanceId, MemberRecord>,
  data: MemberLeft['data'],
): void => {
  const record = members.get(data.instanceId);
  if (record?.status === 'left') return;
  if (data.reason !== 'terminated') {
    members.delete(data.instanceId);
    return;
  }

  members.set(data.instanceId, {
    instanceId: data.instanceId,
    asgName: record?.asgName ?? '',
    addresses: record?.addresses ?? {},
    status: 'left',
  });
};

const MEMBER_STATES: ReadonlySet<LifecycleState> = new Set([
  'launching',
  'in-service',
  'standby',
]);

/** True for the lifecycle states whose instances are members. */
export const isMemberState = (state: LifecycleState): boolean =>
  MEMBER_STATES.has(state);

const decideInstance = (
  state: MembershipState,
  instance: ObservedInstance,
  observedAt: string,
  cause: Cause,
): MembershipEvent[] => {
  const record = state.members.get(instance.instanceId);
  if (record?.status === 'left') return [];

  if (instance.state === 'leaving' || instance.state === 'gone') {
    return [left(instance.instanceId, 'terminated', cause, observedAt)];
  }
  if (!MEMBER_STATES.has(instance.state)) {
    const reason = instance.state === 'warm-pool' ? 'parked' : 'detached';
    return record ? [left(instance.instanceId, reason, cause, observedAt)] : [];
  }
  if (!record) return [joined(instance, cause, observedAt)];

  return addressesDiffer(record, instance)
    ? [addressesChanged(instance, observedAt)]
    : [];
};

const decideTrueUp = (
  state: MembershipState,
  command: RecordTrueUp,
): MembershipEvent[] => {
  const observed = [...command.instances].sort((a, b) =>
    compareText(a.instanceId, b.instanceId),
  );
  const seen = new Set(observed.map((i) => i.instanceId));
  const changes = observed.flatMap((instance) =>
    decideInstance(state, instance, command.observedAt, 'true-up'),
  );
  const gone = currentMembers(state)
    .filter((m) => !seen.has(m.instanceId))
    .map((m) => left(m.instanceId, 'detached', 'true-up', command.observedAt));

  return [...changes, ...gone];
};

const addressesDiffer = (
  record: MemberRecord,
  instance: ObservedInstance,
): boolean => {
  if (instance.addressesKnown === false) return false;

  return !sameAddresses(record.addresses, compactAddresses(instance.addresses));
};

/** True when two address sets name the same addresses. */
export const sameAddresses = (a: Addresses, b: Addresses): boolean =>
  a.publicIpv4 === b.publicIpv4 &&
  a.privateIpv4 === b.privateIpv4 &&
  a.ipv6 === b.ipv6;

const joined = (
  instance: ObservedInstance,
  cause: Cause,
  observedAt: string,
): MemberJoined => ({
  type: 'MemberJoined',
  data: {
    instanceId: instance.instanceId,
    asgName: instance.asgName,
    addresses: compactAddresses(instance.addresses),
    cause,
    observedAt,
  },
});

const left = (
  instanceId: InstanceId,
  reason: LeaveReason,
  cause: Cause,
  observedAt: string,
): MemberLeft => ({
  type: 'MemberLeft',
  data: { instanceId, reason, cause, observedAt },
});

const addressesChanged = (
  instance: ObservedInstance,
  observedAt: string,
): MemberAddressesChanged => ({
  type: 'MemberAddressesChanged',
  data: {
    instanceId: instance.instanceId,
    addresses: compactAddresses(instance.addresses),
    observedAt,
  },
});

/** Drops absent addresses so that equal sets serialise equally. */
export const compactAddresses = (addresses: Addresses): Addresses => ({
  ...(addresses.publicIpv4 ? { publicIpv4: addresses.publicIpv4 } : {}),
  ...(addresses.privateIpv4 ? { privateIpv4: addresses.privateIpv4 } : {}),
  ...(addresses.ipv6 ? { ipv6: addresses.ipv6 } : {}),
});

/** Orders strings by code unit, the same in every locale. */
export const compareText = (a: string, b: string): number =>
  a < b ? -1 : a > b ? 1 : 0;

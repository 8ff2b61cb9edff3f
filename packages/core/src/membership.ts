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

/** What a stream knows of one member of the cluster. */
export interface MemberRecord {
  readonly instanceId: InstanceId;
  readonly asgName: string;
  readonly addresses: Addresses;
}

/**
 * How long a terminated instance is remembered after the day it left, in
 * days. Within it, a late or duplicated launch of that instance is
 * ignored whatever it observed. What keeps a terminated instance out for
 * good is the observation: a launch is only recorded for an instance its
 * group lists in service, which a terminated one never is again, and an
 * instance id is never reused. The retention is a second guard, as long
 * as the longest a lifecycle event can wait in the template's dead-letter
 * queue (14 days). Forgetting keeps a stream's state, and so its
 * snapshot, in proportion to the members and the recent departures, not
 * to every instance the stream has ever seen.
 */
export const DEPARTED_RETENTION_DAYS = 14;

/** The state of one membership stream. */
export interface MembershipState {
  /** How many events the state was folded from. */
  readonly version: number;
  /** The members of the cluster in this stream, by instance id. */
  readonly members: ReadonlyMap<InstanceId, MemberRecord>;
  /**
   * Every instance that was terminated within the retention (see
   * {@link DEPARTED_RETENTION_DAYS}), with the time it was seen leaving.
   * None of them can join again while it is here.
   */
  readonly departed: ReadonlyMap<InstanceId, string>;
}

/** The state of a stream with no events. */
export const initialState = (): MembershipState => ({
  version: 0,
  members: new Map(),
  departed: new Map(),
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
      state.departed.has(c.instanceId)
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
 * of an instance terminated within the retention is ignored, even for a
 * history that says otherwise. Each event also forgets the terminations
 * older than the retention, counted from its own time, so that the state
 * depends on the events and their order alone.
 */
export const evolve = (
  state: MembershipState,
  event: MembershipEvent,
): MembershipState => replay([event], state);

/**
 * Folds a whole history, in version order, into a state. Faster than
 * repeated {@link evolve} calls: it copies the state once.
 */
export const replay = (
  events: Iterable<MembershipEvent>,
  from: MembershipState = initialState(),
): MembershipState => {
  const fold = foldOf(from);
  let version = from.version;
  for (const event of events) {
    applyEvent(fold, event);
    forgetExpired(fold, event.data.observedAt);
    version += 1;
  }

  const state = { version, members: fold.members, departed: fold.departed };
  dayIndexes.set(state, fold.byDay);

  return state;
};

/** The members of a stream that are in the cluster now, by instance id. */
export const currentMembers = (state: MembershipState): MemberRecord[] =>
  [...state.members.values()].sort((a, b) =>
    compareText(a.instanceId, b.instanceId),
  );

/**
 * The departures of a state by the UTC day they were seen (days since
 * the epoch); a departure whose time does not parse is in none.
 */
type DayIndex = Map<number, Set<InstanceId>>;

/** The day index of every state a fold returned, so as not to parse. */
const dayIndexes = new WeakMap<MembershipState, DayIndex>();

/** The maps a fold writes. */
interface Fold {
  readonly members: Map<InstanceId, MemberRecord>;
  readonly departed: Map<InstanceId, string>;
  readonly byDay: DayIndex;
  /** The earliest day in `byDay`, or Infinity when it is empty. */
  oldestDay: number;
}

const foldOf = (from: MembershipState): Fold => {
  const known = dayIndexes.get(from);
  const byDay: DayIndex = known
    ? new Map([...known].map(([day, ids]) => [day, new Set(ids)]))
    : indexByDay(from.departed);

  return {
    members: new Map(from.members),
    departed: new Map(from.departed),
    byDay,
    oldestDay: Math.min(...byDay.keys()),
  };
};

const indexByDay = (departed: ReadonlyMap<InstanceId, string>): DayIndex => {
  const byDay: DayIndex = new Map();
  for (const [id, leftAt] of departed) addToDay(byDay, id, dayOf(leftAt));

  return byDay;
};

const addToDay = (byDay: DayIndex, id: InstanceId, day: number): void => {
  if (!Number.isFinite(day)) return;
  const ids = byDay.get(day);
  if (ids) ids.add(id);
  else byDay.set(day, new Set([id]));
};

const applyEvent = (fold: Fold, event: MembershipEvent): void =>
  match(event)
    .with({ type: 'MemberJoined' }, ({ data }) => {
      if (fold.departed.has(data.instanceId)) return;
      fold.members.set(data.instanceId, {
        instanceId: data.instanceId,
        asgName: data.asgName,
        addresses: data.addresses,
      });
    })
    .with({ type: 'MemberLeft' }, ({ data }) => {
      applyLeft(fold, data);
    })
    .with({ type: 'MemberAddressesChanged' }, ({ data }) => {
      const record = fold.members.get(data.instanceId);
      if (record) {
        fold.members.set(data.instanceId, {
          ...record,
          addresses: data.addresses,
        });
      }
    })
    .exhaustive();

const applyLeft = (fold: Fold, data: MemberLeft['data']): void => {
  if (fold.departed.has(data.instanceId)) return;
  fold.members.delete(data.instanceId);
  if (data.reason !== 'terminated') return;

  fold.departed.set(data.instanceId, data.observedAt);
  const day = dayOf(data.observedAt);
  addToDay(fold.byDay, data.instanceId, day);
  if (day < fold.oldestDay) fold.oldestDay = day;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Drops every departure seen before the UTC day that lies
 * {@link DEPARTED_RETENTION_DAYS} days before the day of `observedAt`,
 * a whole day of departures at a time. A departure whose time does not
 * parse is kept, and so is every departure when `observedAt` does not
 * parse.
 */
const forgetExpired = (fold: Fold, observedAt: string): void => {
  const cutoff = dayOf(observedAt) - DEPARTED_RETENTION_DAYS;
  if (!(fold.oldestDay < cutoff)) return;

  for (const [day, ids] of fold.byDay) {
    if (day >= cutoff) continue;
    for (const id of ids) fold.departed.delete(id);
    fold.byDay.delete(day);
  }
  fold.oldestDay = Math.min(...fold.byDay.keys());
};

/**
 * An ISO 8601 time with its offset (`Z` or `+hh:mm`): only such a time
 * means the same instant on every machine, whatever its time zone.
 */
const ZONED_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The UTC day (days since the epoch) of an event's time, or NaN for a
 * time that is not a zoned ISO 8601 time. It reads the time an event
 * carries, never the clock.
 */
const dayOf = (time: string): number => {
  if (!ZONED_TIME.test(time)) return Number.NaN;

  // eslint-disable-next-line no-restricted-globals -- parses, reads no clock
  return Math.floor(Date.parse(time) / DAY_MS);
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
  if (state.departed.has(instance.instanceId)) return [];
  const record = state.members.get(instance.instanceId);

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

import { describe, expect, it } from 'vitest';
import type { MembershipEvent } from './events.js';
import { DEPARTED_RETENTION_DAYS, replay } from './membership.js';
import type { ObservedInstance } from './model.js';
import { deciderSpec } from './testing/decider.js';

const at = '2026-01-01T00:00:00.000Z';

const instance = (
  id: string,
  over: Partial<ObservedInstance> = {},
): ObservedInstance => ({
  instanceId: id,
  asgName: 'db',
  state: 'launching',
  addresses: { publicIpv4: '198.51.100.1', privateIpv4: '10.0.0.1' },
  addressPending: false,
  ...over,
});

const joined = (i: ObservedInstance, cause = 'lifecycle-launch') =>
  ({
    type: 'MemberJoined',
    data: {
      instanceId: i.instanceId,
      asgName: i.asgName,
      addresses: i.addresses,
      cause,
      observedAt: at,
    },
  }) as MembershipEvent;

const left = (
  instanceId: string,
  cause = 'lifecycle-terminate',
  reason: 'terminated' | 'parked' | 'detached' = 'terminated',
): MembershipEvent => ({
  type: 'MemberLeft',
  data: {
    instanceId,
    reason,
    cause: cause as 'true-up',
    observedAt: at,
  },
});

const a = instance('i-a');
const b = instance('i-b', {
  addresses: { publicIpv4: '198.51.100.2', privateIpv4: '10.0.0.2' },
});

describe('membership decider', () => {
  it('records a launch of a new instance as a join', () => {
    deciderSpec
      .given([])
      .when({ type: 'RecordLaunch', instance: a, observedAt: at })
      .then([joined(a)]);
  });

  it('records nothing for a duplicated launch', () => {
    deciderSpec
      .given([joined(a)])
      .when({ type: 'RecordLaunch', instance: a, observedAt: at })
      .thenNothing();
  });

  it('never brings back a member that left, on a late launch', () => {
    for (const late of [a, instance('i-a', { addresses: {} })]) {
      deciderSpec
        .given([joined(a), left('i-a')])
        .when({ type: 'RecordLaunch', instance: late, observedAt: at })
        .thenNothing();
    }
  });

  it('keeps a termination seen before its launch, so the launch is ignored', () => {
    deciderSpec
      .given([left('i-a')])
      .when({ type: 'RecordLaunch', instance: a, observedAt: at })
      .thenNothing();
  });

  it('records a termination of an unknown instance as a final leave', () => {
    deciderSpec
      .given([])
      .when({ type: 'RecordTermination', instanceId: 'i-a', observedAt: at })
      .then([left('i-a')]);
  });

  it('records nothing for a duplicated termination', () => {
    deciderSpec
      .given([joined(a), left('i-a')])
      .when({ type: 'RecordTermination', instanceId: 'i-a', observedAt: at })
      .thenNothing();
  });

  it('records changed addresses of a member', () => {
    // arrange
    const moved = instance('i-a', { addresses: { publicIpv4: '203.0.113.5' } });

    // act, assert
    deciderSpec
      .given([joined(a)])
      .when({ type: 'RecordLaunch', instance: moved, observedAt: at })
      .then([
        {
          type: 'MemberAddressesChanged',
          data: {
            instanceId: 'i-a',
            addresses: { publicIpv4: '203.0.113.5' },
            observedAt: at,
          },
        },
      ]);
  });

  it('records an address that went away, so that its rules go', () => {
    deciderSpec
      .given([joined(a)])
      .when({
        type: 'RecordLaunch',
        instance: instance('i-a', {
          addresses: { privateIpv4: '10.0.0.1' },
          addressPending: true,
        }),
        observedAt: at,
      })
      .then([
        {
          type: 'MemberAddressesChanged',
          data: {
            instanceId: 'i-a',
            addresses: { privateIpv4: '10.0.0.1' },
            observedAt: at,
          },
        },
      ]);
  });

  it('keeps the known addresses while the source cannot tell them', () => {
    deciderSpec
      .given([joined(a)])
      .when({
        type: 'RecordLaunch',
        instance: instance('i-a', {
          addresses: {},
          addressPending: true,
          addressesKnown: false,
        }),
        observedAt: at,
      })
      .thenNothing();
  });

  it('records only the differences on a true-up', () => {
    // arrange
    const c = instance('i-c', { state: 'in-service' });

    // act, assert
    deciderSpec
      .given([joined(a), joined(b)])
      .when({
        type: 'RecordTrueUp',
        instances: [c, instance('i-a', { state: 'in-service' })],
        observedAt: at,
      })
      .then([joined(c, 'true-up'), left('i-b', 'true-up', 'detached')]);
  });

  it('records a member seen leaving on a true-up as left', () => {
    deciderSpec
      .given([joined(a)])
      .when({
        type: 'RecordTrueUp',
        instances: [instance('i-a', { state: 'leaving' })],
        observedAt: at,
      })
      .then([left('i-a', 'true-up')]);
  });

  it('parks a member that went back to a warm pool, and lets it rejoin', () => {
    // arrange
    const parked = left('i-a', 'true-up', 'parked');

    // act, assert
    deciderSpec
      .given([joined(a)])
      .when({
        type: 'RecordTrueUp',
        instances: [instance('i-a', { state: 'warm-pool' })],
        observedAt: at,
      })
      .then([parked]);
    deciderSpec
      .given([joined(a), parked])
      .when({ type: 'RecordLaunch', instance: a, observedAt: at })
      .then([joined(a)]);
  });

  it('lets a detached member join again when it is attached back', () => {
    // arrange
    const detached = left('i-a', 'true-up', 'detached');

    // act, assert
    deciderSpec
      .given([joined(a)])
      .when({
        type: 'RecordTrueUp',
        instances: [instance('i-a', { state: 'detaching' })],
        observedAt: at,
      })
      .then([detached]);
    deciderSpec
      .given([joined(a), detached])
      .when({
        type: 'RecordTrueUp',
        instances: [instance('i-a', { state: 'in-service' })],
        observedAt: at,
      })
      .thenMembers(['i-a']);
  });

  it('counts a standby instance as a member', () => {
    deciderSpec
      .given([])
      .when({
        type: 'RecordTrueUp',
        instances: [instance('i-a', { state: 'standby' })],
        observedAt: at,
      })
      .thenMembers(['i-a']);
  });

  it('ignores a warm-pool instance that was never a member', () => {
    deciderSpec
      .given([])
      .when({
        type: 'RecordTrueUp',
        instances: [instance('i-a', { state: 'warm-pool' })],
        observedAt: at,
      })
      .thenNothing();
  });
});

/** The same event, seen at another time. */
const seenAt = (event: MembershipEvent, time: string): MembershipEvent =>
  ({ ...event, data: { ...event.data, observedAt: time } }) as MembershipEvent;

/** Midnight UTC, `days` days after the first of January 2026. */
const dayAfterStart = (days: number): string =>
  new Date(Date.UTC(2026, 0, 1 + days)).toISOString();

describe('membership decider, after the retention of departed members', () => {
  const launch = { type: 'RecordLaunch', instance: a } as const;
  const firstDayForgotten = dayAfterStart(DEPARTED_RETENTION_DAYS + 1);
  const lastDayKept = new Date(Date.parse(firstDayForgotten) - 1).toISOString();

  it('still ignores a late launch on the last day of the retention', () => {
    deciderSpec
      .given([joined(a), left('i-a'), seenAt(joined(b), lastDayKept)])
      .when({ ...launch, observedAt: lastDayKept })
      .thenNothing();
  });

  it('forgets the departure on the first event of the day after', () => {
    deciderSpec
      .given([joined(a), left('i-a'), seenAt(joined(b), firstDayForgotten)])
      .when({ ...launch, observedAt: firstDayForgotten })
      .then([seenAt(joined(a), firstDayForgotten)]);
  });

  it('keeps a departure whose time does not parse', () => {
    const later = '2027-01-01T00:00:00.000Z';

    deciderSpec
      .given([seenAt(left('i-a'), 'yesterday'), seenAt(joined(b), later)])
      .when({ ...launch, observedAt: later })
      .thenNothing();
  });

  it('keeps a departure whose time has no zone, on every machine', () => {
    // A time without an offset is local time to Date.parse: it would
    // fold differently in different time zones.
    const later = '2027-01-01T00:00:00.000Z';

    deciderSpec
      .given([
        seenAt(left('i-a'), '2026-01-01T20:00:00'),
        seenAt(joined(b), later),
      ])
      .when({ ...launch, observedAt: later })
      .thenNothing();
  });

  it('counts an offset time by the instant it names', () => {
    // 23:30 at -01:00 is 00:30 UTC on the first of January: still kept
    // on the retention's last day, where the 31st would be forgotten
    const left1 = seenAt(left('i-a'), '2025-12-31T23:30:00-01:00');
    const edge = dayAfterStart(DEPARTED_RETENTION_DAYS);

    deciderSpec
      .given([left1, seenAt(joined(b), edge)])
      .when({ ...launch, observedAt: edge })
      .thenNothing();
  });

  it('holds the departures of the retention, one replacement a day', () => {
    // arrange
    const days = DEPARTED_RETENTION_DAYS * 3;
    const history = Array.from({ length: days }, (_, n) => [
      seenAt(left(`i-${n}`), dayAfterStart(n)),
      seenAt(joined(instance(`i-${n + 1}`)), dayAfterStart(n)),
    ]).flat();

    // act
    const state = replay(history);

    // assert: the last event's day and the retention's days before it
    const kept = DEPARTED_RETENTION_DAYS + 1;
    expect([...state.departed.keys()].sort()).toStrictEqual(
      Array.from({ length: kept }, (_, n) => `i-${days - kept + n}`).sort(),
    );
    expect([...state.members.keys()]).toStrictEqual([`i-${days}`]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MembershipCommand, MembershipEvent } from './events.js';
import {
  decide,
  DEPARTED_RETENTION_DAYS,
  evolve,
  initialState,
  replay,
} from './membership.js';
import {
  instanceIdArb,
  membershipEventArb,
  observedInstanceArb,
} from './testing/arbitraries.js';

const observedAt = '2026-01-01T00:00:00.000Z';
const IDS = 8;

/**
 * A command about a few instance ids, so that commands often collide,
 * seen at a time `at` draws (by default one fixed time).
 */
const commandArb = (
  at: fc.Arbitrary<string> = fc.constant(observedAt),
): fc.Arbitrary<MembershipCommand> =>
  fc.oneof(
    fc
      .record({ instance: observedInstanceArb({ ids: IDS }), observedAt: at })
      .map((c) => ({ type: 'RecordLaunch' as const, ...c })),
    fc
      .record({ instanceId: instanceIdArb(IDS), observedAt: at })
      .map((c) => ({ type: 'RecordTermination' as const, ...c })),
    fc
      .record({
        instances: fc.uniqueArray(observedInstanceArb({ ids: IDS }), {
          selector: (i) => i.instanceId,
          maxLength: IDS,
        }),
        observedAt: at,
      })
      .map((c) => ({ type: 'RecordTrueUp' as const, ...c })),
  );

const DAY_MS = 24 * 60 * 60 * 1000;

/** Any time from `observedAt` to the last moment of the retention. */
const withinRetention = fc
  .integer({ min: 0, max: (DEPARTED_RETENTION_DAYS + 1) * DAY_MS - 1 })
  .map((ms) => new Date(Date.parse(observedAt) + ms).toISOString());

/** The UTC day of a time with a zone, else NaN (the reference's reading). */
const referenceDay = (time: string): number =>
  /^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/.test(time)
    ? Math.floor(new Date(time).getTime() / DAY_MS)
    : Number.NaN;

/**
 * The fold as the design states it, without any index: after each
 * event, every departure of a day more than the retention before the
 * event's day is forgotten.
 */
const referenceFold = (events: readonly MembershipEvent[]) => {
  const members = new Map<string, unknown>();
  const departed = new Map<string, string>();
  for (const { type, data } of events) {
    const id = data.instanceId;
    if (type === 'MemberJoined' && !departed.has(id)) members.set(id, data);
    if (type === 'MemberLeft' && !departed.has(id)) {
      members.delete(id);
      if (data.reason === 'terminated') departed.set(id, data.observedAt);
    }
    const cutoff = referenceDay(data.observedAt) - DEPARTED_RETENTION_DAYS;
    for (const [gone, leftAt] of departed) {
      if (referenceDay(leftAt) < cutoff) departed.delete(gone);
    }
  }

  return { members: [...members.keys()].sort(), departed };
};

/** Runs commands in order, each on the state the previous ones left. */
const runAll = (commands: readonly MembershipCommand[]) =>
  commands.reduce(
    (acc, command) => {
      const events = decide(command, acc.state);
      return {
        state: events.reduce(evolve, acc.state),
        events: [...acc.events, ...events],
      };
    },
    { state: initialState(), events: [] as MembershipEvent[] },
  );

describe('membership decider properties', () => {
  it('decides nothing more for a command delivered twice', () => {
    fc.assert(
      fc.property(fc.array(commandArb()), commandArb(), (history, command) => {
        // arrange
        const { state } = runAll(history);
        const once = decide(command, state).reduce(evolve, state);

        // act
        const twice = decide(command, once);

        // assert
        expect(twice).toEqual([]);
      }),
    );
  });

  it('never brings back a member that left', () => {
    fc.assert(
      fc.property(
        fc.array(commandArb()),
        instanceIdArb(IDS),
        fc.array(commandArb()),
        (before, id, after) => {
          // arrange
          const { state } = runAll([
            ...before,
            { type: 'RecordTermination', instanceId: id, observedAt },
          ]);

          // act
          const final = runAll(after).events.reduce(evolve, state);
          const replayed = after.reduce(
            (s, c) => decide(c, s).reduce(evolve, s),
            state,
          );

          // assert
          expect(replayed.departed.has(id)).toBe(true);
          expect(replayed.members.has(id)).toBe(false);
          expect(final.departed.has(id)).toBe(true);
          expect(final.members.has(id)).toBe(false);
        },
      ),
    );
  });

  it('never brings back a member terminated within the retention', () => {
    fc.assert(
      fc.property(
        fc.array(commandArb()),
        instanceIdArb(IDS),
        fc.array(commandArb(withinRetention)),
        (before, id, after) => {
          // arrange
          const { state } = runAll([
            ...before,
            { type: 'RecordTermination', instanceId: id, observedAt },
          ]);

          // act
          const final = after.reduce(
            (s, c) => decide(c, s).reduce(evolve, s),
            state,
          );

          // assert
          expect(final.departed.has(id)).toBe(true);
          expect(final.members.has(id)).toBe(false);
        },
      ),
    );
  });

  it('forgets departures exactly as the design states it', () => {
    fc.assert(
      fc.property(
        fc.array(membershipEventArb(), { maxLength: 80 }),
        (events) => {
          // act
          const state = replay(events);
          const expected = referenceFold(events);

          // assert
          expect(state.departed).toEqual(expected.departed);
          expect([...state.members.keys()].sort()).toStrictEqual(
            expected.members,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('replays a history into the same state as folding it event by event', () => {
    fc.assert(
      fc.property(fc.array(membershipEventArb()), (events) => {
        expect(replay(events)).toEqual(events.reduce(evolve, initialState()));
      }),
    );
  });

  it('decides the same events for the same command and state', () => {
    fc.assert(
      fc.property(fc.array(commandArb()), commandArb(), (history, command) => {
        const { state } = runAll(history);

        expect(decide(command, state)).toEqual(
          decide(command, replay(runAll(history).events)),
        );
      }),
    );
  });
});

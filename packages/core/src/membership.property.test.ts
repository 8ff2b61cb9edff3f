import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MembershipCommand, MembershipEvent } from './events.js';
import { decide, evolve, initialState, replay } from './membership.js';
import {
  instanceIdArb,
  membershipEventArb,
  observedInstanceArb,
} from './testing/arbitraries.js';

const observedAt = '2026-01-01T00:00:00.000Z';
const IDS = 8;

/** A command about a few instance ids, so that commands often collide. */
const commandArb = (): fc.Arbitrary<MembershipCommand> =>
  fc.oneof(
    observedInstanceArb({ ids: IDS }).map((instance) => ({
      type: 'RecordLaunch' as const,
      instance,
      observedAt,
    })),
    instanceIdArb(IDS).map((instanceId) => ({
      type: 'RecordTermination' as const,
      instanceId,
      observedAt,
    })),
    fc
      .uniqueArray(observedInstanceArb({ ids: IDS }), {
        selector: (i) => i.instanceId,
        maxLength: IDS,
      })
      .map((instances) => ({
        type: 'RecordTrueUp' as const,
        instances,
        observedAt,
      })),
  );

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

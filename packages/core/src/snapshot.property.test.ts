import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { replay } from './membership.js';
import { parseSnapshot, restoreState, toSnapshot } from './snapshot.js';
import { membershipEventArb } from './testing/arbitraries.js';

const historyAndCut = fc
  .array(membershipEventArb(), { maxLength: 60 })
  .chain((events) =>
    fc.tuple(fc.constant(events), fc.nat({ max: events.length })),
  );

/** Through JSON and back, as every snapshot store keeps it. */
const stored = (events: Parameters<typeof replay>[0]) => {
  const text = JSON.stringify(toSnapshot(replay(events)));

  return parseSnapshot('prop/stream', JSON.parse(text))._unsafeUnwrap();
};

describe('snapshots', () => {
  test.prop([historyAndCut])(
    'a state from a snapshot and the events after it equals the replay',
    ([events, cut]) => {
      const snapshot = stored(events.slice(0, cut));

      const resumed = replay(events.slice(cut), restoreState(snapshot));

      // The arbitraries draw addresses without a prototype: compare the
      // structure of the states, then their plain data strictly.
      expect(resumed).toEqual(replay(events));
      expect(toSnapshot(resumed)).toStrictEqual(toSnapshot(replay(events)));
    },
  );

  test.prop([fc.array(membershipEventArb(), { maxLength: 60 })])(
    'a snapshot survives JSON unchanged',
    (events) => {
      const snapshot = toSnapshot(replay(events));

      expect(stored(events)).toStrictEqual(snapshot);
    },
  );

  test.prop([fc.anything()])('refuses data that is not a snapshot', (data) => {
    const parsed = parseSnapshot('prop/stream', data);

    expect(parsed.isErr()).toBe(true);
  });
});

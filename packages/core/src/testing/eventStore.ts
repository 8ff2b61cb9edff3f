import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MembershipEvent, StoredEvent } from '../events.js';
import type { EventStore } from '../ports.js';
import {
  addressesChangedEvent,
  joinedEvent,
  joinedEvents,
  leftEvent,
} from './fixtures.js';
import type { EventStoreHarness } from './harness.js';
import { errOf, okOf } from './results.js';

/**
 * The contract every `EventStore` adapter passes: reads, appends with an
 * expected version (all or nothing), replica copies, and exact
 * round-trips. Call it from a spec file of the adapter's package.
 *
 * @example
 * ```ts
 * import { eventStoreContract } from '@sgsync/core/testing';
 * import { InMemoryEventStore } from '@sgsync/in-memory';
 *
 * let n = 0;
 * eventStoreContract('InMemoryEventStore', async () => ({
 *   store: new InMemoryEventStore({ region: 'us-east-1' }),
 *   newStream: () => `contract/stream-${++n}`,
 * }));
 * ```
 */
export const eventStoreContract = (
  adapterName: string,
  setup: () => Promise<EventStoreHarness>,
): void => {
  describe(adapterName, () => {
    let harness: EventStoreHarness;
    const h = () => harness;

    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.cleanup?.();
    });

    readingAndAppending(h);
    conflicts(h);
    limits(h);
    copying(h);
    roundTrips(h);
  });
};

type Get = () => EventStoreHarness;

const storedOf = (
  stream: string,
  events: readonly MembershipEvent[],
  from = 0,
): StoredEvent[] =>
  events.map((event, i) => ({ stream, version: from + i + 1, event }));

const seeded = async (
  store: EventStore,
  stream: string,
  events: readonly MembershipEvent[],
): Promise<void> => {
  await okOf(store.appendToStream(stream, 0, events));
};

const limits = (h: Get): void => {
  it('takes an append as long as its limit, and refuses a longer one', async () => {
    // arrange: a limit, or a long append for a store without one
    const { store } = h();
    const stream = h().newStream();
    const limit = store.maxEventsPerAppend ?? 250;
    await seeded(store, stream, joinedEvents(1));

    // act
    const taken = await store.appendToStream(
      stream,
      1,
      joinedEvents(limit + 1).slice(1),
    );
    const longer = await store.appendToStream(
      stream,
      limit + 1,
      joinedEvents(limit + 2).slice(0, limit + 1),
    );

    // assert
    expect(taken.isOk()).toBe(true);
    const read = await okOf(store.readStream(stream));
    if (store.maxEventsPerAppend === undefined) {
      expect(longer.isOk()).toBe(true);
      return;
    }
    expect(longer.isErr() && longer.error.kind).toBe('InputInvalid');
    expect(read.version).toBe(limit + 1);
  });
};

const readingAndAppending = (h: Get): void => {
  it('reads a stream with no events as version 0', async () => {
    const slice = await okOf(h().store.readStream(h().newStream()));

    expect(slice).toStrictEqual({ version: 0, events: [] });
  });

  it('appends at version 0 and reads the events back as 1 to n', async () => {
    const stream = h().newStream();
    const events = joinedEvents(3);

    const appended = await okOf(h().store.appendToStream(stream, 0, events));
    const slice = await okOf(h().store.readStream(stream));

    expect(appended.version).toBe(3);
    expect(slice.version).toBe(3);
    expect(slice.events).toStrictEqual(storedOf(stream, events));
  });

  it('appends after earlier appends at the version they left', async () => {
    const stream = h().newStream();
    await seeded(h().store, stream, joinedEvents(2));

    const appended = await okOf(
      h().store.appendToStream(stream, 2, [leftEvent(1)]),
    );
    const slice = await okOf(h().store.readStream(stream));

    expect(appended.version).toBe(3);
    expect(slice.events.map((e) => e.version)).toStrictEqual([1, 2, 3]);
    expect(slice.events[2]?.event).toStrictEqual(leftEvent(1));
  });

  it('reads only the events after fromVersion, with the last version', async () => {
    const stream = h().newStream();
    const events = joinedEvents(5);
    await seeded(h().store, stream, events);

    const slice = await okOf(h().store.readStream(stream, 3));

    expect(slice.version).toBe(5);
    expect(slice.events).toStrictEqual(storedOf(stream, events).slice(3));
  });

  it('reads past the end as the stream version and no events', async () => {
    const stream = h().newStream();
    await seeded(h().store, stream, joinedEvents(2));

    const atEnd = await okOf(h().store.readStream(stream, 2));
    const far = await okOf(
      h().store.readStream(stream, Number.MAX_SAFE_INTEGER),
    );
    const empty = await okOf(
      h().store.readStream(h().newStream(), Number.MAX_SAFE_INTEGER),
    );

    expect(atEnd).toStrictEqual({ version: 2, events: [] });
    expect(far).toStrictEqual({ version: 2, events: [] });
    expect(empty).toStrictEqual({ version: 0, events: [] });
  });

  it('keeps streams apart', async () => {
    const [a, b] = [h().newStream(), h().newStream()];
    await seeded(h().store, a, joinedEvents(2));

    const slice = await okOf(h().store.readStream(b));

    expect(slice).toStrictEqual({ version: 0, events: [] });
  });
};

const conflicts = (h: Get): void => {
  it('refuses a wrong expected version with VersionConflict', async () => {
    const stream = h().newStream();
    await seeded(h().store, stream, joinedEvents(2));

    const behind = await errOf(
      h().store.appendToStream(stream, 1, [leftEvent(1)]),
    );
    const ahead = await errOf(
      h().store.appendToStream(stream, 5, [leftEvent(1)]),
    );
    const slice = await okOf(h().store.readStream(stream));

    expect(behind).toMatchObject({
      kind: 'VersionConflict',
      stream,
      expectedVersion: 1,
    });
    expect(ahead).toMatchObject({ kind: 'VersionConflict', stream });
    expect(slice.version).toBe(2);
    expect(slice.events).toHaveLength(2);
  });

  it('writes none of a multi-event append that conflicts', async () => {
    const stream = h().newStream();
    await seeded(h().store, stream, [joinedEvent(1)]);

    const error = await errOf(
      h().store.appendToStream(stream, 0, joinedEvents(4).slice(1)),
    );
    const slice = await okOf(h().store.readStream(stream));

    expect(error.kind).toBe('VersionConflict');
    expect(slice.events).toStrictEqual(storedOf(stream, [joinedEvent(1)]));
  });

  it('lets exactly one of two concurrent appends win', async () => {
    const stream = h().newStream();
    const first = joinedEvents(2);
    const second = [leftEvent(7), leftEvent(8), leftEvent(9)];

    const results = await Promise.all([
      h().store.appendToStream(stream, 0, first),
      h().store.appendToStream(stream, 0, second),
    ]);
    const slice = await okOf(h().store.readStream(stream));

    const winners = results.filter((r) => r.isOk());
    const losers = results.flatMap((r) => (r.isErr() ? [r.error.kind] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toStrictEqual(['VersionConflict']);
    const won = results[0]?.isOk() ? first : second;
    expect(slice.events).toStrictEqual(storedOf(stream, won));
  });
};

const copying = (h: Get): void => {
  it('copies events idempotently and keeps their versions', async () => {
    const stream = h().newStream();
    const events = storedOf(stream, joinedEvents(3));

    const first = await okOf(h().store.copyEvents(stream, events));
    const second = await okOf(h().store.copyEvents(stream, events));
    const slice = await okOf(h().store.readStream(stream));

    expect(first.copied).toBe(3);
    expect(second.copied).toBe(0);
    expect(slice).toStrictEqual({ version: 3, events });
  });

  it('copies only the events it lacks from an overlapping slice', async () => {
    const stream = h().newStream();
    const all = storedOf(stream, joinedEvents(5));
    await okOf(h().store.copyEvents(stream, all.slice(0, 3)));

    const copied = await okOf(h().store.copyEvents(stream, all.slice(1)));
    const slice = await okOf(h().store.readStream(stream));

    expect(copied.copied).toBe(2);
    expect(slice).toStrictEqual({ version: 5, events: all });
  });

  it('continues a copied stream at the version copies left', async () => {
    const stream = h().newStream();
    await okOf(h().store.copyEvents(stream, storedOf(stream, joinedEvents(2))));

    const appended = await okOf(
      h().store.appendToStream(stream, 2, [leftEvent(2)]),
    );

    expect(appended.version).toBe(3);
  });

  it('fails a copy with StreamCorrupt when a held version differs', async () => {
    const stream = h().newStream();
    await seeded(h().store, stream, joinedEvents(2));
    const other = storedOf(stream, [joinedEvent(1), leftEvent(9)]);

    const error = await errOf(h().store.copyEvents(stream, other));
    const slice = await okOf(h().store.readStream(stream));

    expect(error).toMatchObject({ kind: 'StreamCorrupt', stream, version: 2 });
    expect(slice.events).toStrictEqual(storedOf(stream, joinedEvents(2)));
  });

  it('refuses to copy a malformed event and writes nothing', async () => {
    // arrange: two good events, then a MemberLeft without its reason
    const stream = h().newStream();
    const good = storedOf(stream, joinedEvents(2));
    const malformed = {
      stream,
      version: 3,
      event: { type: 'MemberLeft', data: { instanceId: 'i-1' } },
    } as unknown as StoredEvent;

    // act
    const error = await errOf(
      h().store.copyEvents(stream, [...good, malformed]),
    );
    const slice = await okOf(h().store.readStream(stream));

    // assert
    expect(error.kind).toBe('InputInvalid');
    expect(error.message).toContain(stream);
    expect(slice).toStrictEqual({ version: 0, events: [] });
  });
};

const roundTrips = (h: Get): void => {
  it('round-trips every kind of event exactly', async () => {
    const stream = h().newStream();
    const events: MembershipEvent[] = [
      joinedEvent(1),
      joinedEvent(2, { ipv6: '2001:db8::2' }),
      joinedEvent(3, {}),
      addressesChangedEvent(3, { publicIpv4: '198.51.100.3' }),
      addressesChangedEvent(2, {}),
      leftEvent(1, 'terminated'),
      leftEvent(3, 'parked'),
      leftEvent(2, 'detached'),
    ];

    await seeded(h().store, stream, events);
    const slice = await okOf(h().store.readStream(stream));

    expect(slice.events).toStrictEqual(storedOf(stream, events));
    const third = slice.events[2]?.event;
    expect(
      third?.type === 'MemberJoined' && third.data.addresses,
    ).toStrictEqual({});
    expect(Object.keys(slice.events[1]?.event.data ?? {}).sort()).toEqual([
      'addresses',
      'asgName',
      'cause',
      'instanceId',
      'observedAt',
    ]);
  });
};

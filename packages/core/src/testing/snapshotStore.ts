import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../membership.js';
import type { SnapshotStore } from '../ports.js';
import { toSnapshot, type Snapshot } from '../snapshot.js';
import {
  addressesChangedEvent,
  joinedEvent,
  joinedEvents,
  leftEvent,
} from './fixtures.js';
import { okOf } from './results.js';

/**
 * What the snapshot store contract needs from an adapter's test setup.
 * Each call of `newStream` names a stream that has no snapshot yet.
 */
export interface SnapshotStoreHarness {
  readonly store: SnapshotStore;
  newStream(): string;
  cleanup?(): Promise<void>;
}

/**
 * The contract every `SnapshotStore` adapter passes: a stream without a
 * snapshot reads as none, a snapshot reads back exactly as written, a
 * newer one replaces it, an older or equal one changes nothing, and
 * streams are kept apart. Call it from a spec file of the adapter's
 * package.
 *
 * @example
 * ```ts
 * import { snapshotStoreContract } from '@sgsync/core/testing';
 * import { InMemorySnapshotStore } from '@sgsync/in-memory';
 *
 * let n = 0;
 * snapshotStoreContract('InMemorySnapshotStore', async () => ({
 *   store: new InMemorySnapshotStore({ region: 'us-east-1' }),
 *   newStream: () => `contract/stream-${++n}`,
 * }));
 * ```
 */
export const snapshotStoreContract = (
  adapterName: string,
  setup: () => Promise<SnapshotStoreHarness>,
): void => {
  describe(adapterName, () => {
    let harness: SnapshotStoreHarness;
    const h = () => harness;

    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.cleanup?.();
    });

    reading(h);
    neverBackwards(h);
  });
};

type Get = () => SnapshotStoreHarness;

/** A snapshot after three joins, one address change and one departure. */
const snapshotAt5 = (): Snapshot =>
  toSnapshot(
    replay([
      ...joinedEvents(3),
      addressesChangedEvent(2, { ipv6: '2001:db8::2' }),
      leftEvent(3),
    ]),
  );

/** A snapshot of the same stream two events later. */
const snapshotAt7 = (): Snapshot =>
  toSnapshot(
    replay([
      ...joinedEvents(3),
      addressesChangedEvent(2, { ipv6: '2001:db8::2' }),
      leftEvent(3),
      joinedEvent(4),
      leftEvent(1, 'parked'),
    ]),
  );

const reading = (h: Get): void => {
  it('reads a stream without a snapshot as none', async () => {
    const read = await okOf(h().store.readSnapshot(h().newStream()));

    expect(read).toBeUndefined();
  });

  it('reads a snapshot back exactly as it was written', async () => {
    const stream = h().newStream();

    const written = await okOf(h().store.writeSnapshot(stream, snapshotAt5()));
    const read = await okOf(h().store.readSnapshot(stream));

    expect(written.outcome).toBe('written');
    expect(written.bytes).toBeGreaterThan(0);
    expect(read).toStrictEqual(snapshotAt5());
  });

  it('reads back the snapshot of a state without members', async () => {
    const stream = h().newStream();
    const empty: Snapshot = {
      version: 2,
      state: { members: [], departed: [] },
    };

    await okOf(h().store.writeSnapshot(stream, empty));

    expect(await okOf(h().store.readSnapshot(stream))).toStrictEqual(empty);
  });

  it('keeps the snapshots of two streams apart', async () => {
    const a = h().newStream();
    const b = h().newStream();

    await okOf(h().store.writeSnapshot(a, snapshotAt5()));
    await okOf(h().store.writeSnapshot(b, snapshotAt7()));

    expect(await okOf(h().store.readSnapshot(a))).toStrictEqual(snapshotAt5());
    expect(await okOf(h().store.readSnapshot(b))).toStrictEqual(snapshotAt7());
  });
};

const neverBackwards = (h: Get): void => {
  it('replaces a snapshot with a newer one', async () => {
    const stream = h().newStream();
    await okOf(h().store.writeSnapshot(stream, snapshotAt5()));

    const written = await okOf(h().store.writeSnapshot(stream, snapshotAt7()));

    expect(written.outcome).toBe('written');
    expect(await okOf(h().store.readSnapshot(stream))).toStrictEqual(
      snapshotAt7(),
    );
  });

  it('keeps the newer snapshot when an older one is written', async () => {
    const stream = h().newStream();
    await okOf(h().store.writeSnapshot(stream, snapshotAt7()));

    const written = await okOf(h().store.writeSnapshot(stream, snapshotAt5()));

    expect(written.outcome).toBe('kept');
    expect(await okOf(h().store.readSnapshot(stream))).toStrictEqual(
      snapshotAt7(),
    );
  });

  it('writes the same snapshot twice with no further change', async () => {
    const stream = h().newStream();
    await okOf(h().store.writeSnapshot(stream, snapshotAt5()));

    const again = await okOf(h().store.writeSnapshot(stream, snapshotAt5()));

    expect(again.outcome).toBe('kept');
    expect(await okOf(h().store.readSnapshot(stream))).toStrictEqual(
      snapshotAt5(),
    );
  });
};

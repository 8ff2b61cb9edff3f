import {
  parseSnapshot,
  type SgsyncError,
  type Snapshot,
  type SnapshotStore,
  type SnapshotWrite,
  type StreamName,
} from '@sgsync/core';
import { ok, type Result, type ResultAsync } from 'neverthrow';
import { canonicalJson } from './eventStore.js';
import type { Operation } from './faults.js';
import { InMemoryWorld } from './world.js';

/** What an in-memory snapshot store is built with. */
export interface InMemorySnapshotStoreOptions {
  /** The region whose store this is; faults and counts use it. */
  readonly region: string;
  readonly world?: InMemoryWorld;
  /**
   * The largest snapshot it keeps, in bytes of JSON (default: no limit),
   * to play a database whose items are bounded.
   */
  readonly maxBytes?: number;
}

/**
 * A snapshot store in memory: the latest snapshot of each stream, kept
 * as JSON text as a database would keep it. Its calls count as calls of
 * the region's event store, whose table holds the snapshots on AWS.
 *
 * @example
 * ```ts
 * const snapshots = new InMemorySnapshotStore({ region: 'us-east-1' });
 * await snapshots.writeSnapshot('orders-db/us-east-1', toSnapshot(state));
 * ```
 */
export class InMemorySnapshotStore implements SnapshotStore {
  readonly region: string;
  private readonly world: InMemoryWorld;
  private readonly maxBytes: number;
  private readonly held = new Map<StreamName, HeldSnapshot>();

  constructor(options: InMemorySnapshotStoreOptions) {
    this.region = options.region;
    this.world = options.world ?? new InMemoryWorld();
    this.maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  }

  /** The latest snapshot of a stream, or undefined. */
  readSnapshot(
    stream: StreamName,
  ): ResultAsync<Snapshot | undefined, SgsyncError> {
    return this.call('readSnapshot', () => {
      const held = this.held.get(stream);

      return held === undefined
        ? ok(undefined)
        : parseSnapshot(stream, JSON.parse(held.text));
    });
  }

  /** Keeps a snapshot unless one as new is held or it is too large. */
  writeSnapshot(
    stream: StreamName,
    snapshot: Snapshot,
  ): ResultAsync<SnapshotWrite, SgsyncError> {
    return this.call('writeSnapshot', () => ok(this.write(stream, snapshot)));
  }

  /** The version of a stream's snapshot (0 when none), without counting. */
  versionOf(stream: StreamName): number {
    return this.held.get(stream)?.version ?? 0;
  }

  private write(stream: StreamName, snapshot: Snapshot): SnapshotWrite {
    const text = canonicalJson(snapshot);
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > this.maxBytes) return { outcome: 'too-large', bytes };
    if (this.versionOf(stream) >= snapshot.version) {
      return { outcome: 'kept', bytes };
    }

    this.held.set(stream, { version: snapshot.version, text });
    return { outcome: 'written', bytes };
  }

  private call<T>(
    operation: Operation,
    work: () => Result<T, SgsyncError>,
  ): ResultAsync<T, SgsyncError> {
    return this.world.run(
      { region: this.region, service: 'event-store', operation },
      work,
    );
  }
}

interface HeldSnapshot {
  readonly version: number;
  readonly text: string;
}

import {
  parseMembershipEvent,
  parseStoredEvents,
  type EventStore,
  type InputInvalid,
  type MembershipEvent,
  type SgsyncError,
  type StoredEvent,
  type StreamName,
  type StreamSlice,
} from '@sgsync/core';
import { err, ok, type Result, type ResultAsync } from 'neverthrow';
import type { Operation } from './faults.js';
import { InMemoryWorld } from './world.js';

/** What an in-memory event store is built with. */
export interface InMemoryEventStoreOptions {
  /** The region whose store this is; faults and counts use it. */
  readonly region: string;
  readonly world?: InMemoryWorld;
  /**
   * The most events one append takes, like a database's transaction
   * limit; a longer append fails with `InputInvalid`. Default: no limit.
   */
  readonly maxEventsPerAppend?: number;
}

/**
 * An event store in memory: one list of events per stream, with versions
 * from 1 and no gaps. Events are kept as JSON, as a database would keep
 * them, so that what is read back never shares objects with what was
 * written.
 *
 * @example
 * ```ts
 * const store = new InMemoryEventStore({ region: 'us-east-1' });
 * await store.appendToStream('orders-db/us-east-1', 0, [joined]);
 * ```
 */
export class InMemoryEventStore implements EventStore {
  readonly region: string;
  readonly maxEventsPerAppend?: number;
  private readonly world: InMemoryWorld;
  private readonly streams = new Map<StreamName, string[]>();

  constructor(options: InMemoryEventStoreOptions) {
    this.region = options.region;
    this.world = options.world ?? new InMemoryWorld();
    if (options.maxEventsPerAppend !== undefined) {
      this.maxEventsPerAppend = options.maxEventsPerAppend;
    }
  }

  /** Reads the events after `fromVersion` and the stream's last version. */
  readStream(
    stream: StreamName,
    fromVersion = 0,
  ): ResultAsync<StreamSlice, SgsyncError> {
    return this.call('readStream', () => this.slice(stream, fromVersion));
  }

  /** Appends all events, or none when the stream is at another version. */
  appendToStream(
    stream: StreamName,
    expectedVersion: number,
    events: readonly MembershipEvent[],
  ): ResultAsync<{ readonly version: number }, SgsyncError> {
    return this.call('appendToStream', () =>
      this.append(stream, expectedVersion, events),
    );
  }

  /**
   * Copies another region's events, keeping their versions: held events
   * are skipped, a held version with other content fails with
   * `StreamCorrupt`, and so does a copy that would leave a gap; a copy
   * with a malformed event is `InputInvalid`. Nothing is written unless
   * every event fits.
   */
  copyEvents(
    stream: StreamName,
    events: readonly StoredEvent[],
  ): ResultAsync<{ readonly copied: number }, SgsyncError> {
    return this.call('copyEvents', () =>
      parseStoredEvents(events)
        .mapErr((e) => copyRefused(stream, e))
        .andThen((checked) => this.copy(stream, checked)),
    );
  }

  /**
   * Every event of a stream, read without faults or counting. Throws
   * when the stream holds a malformed event.
   */
  snapshot(stream: StreamName): StoredEvent[] {
    return this.slice(stream, 0)._unsafeUnwrap().events.slice();
  }

  /**
   * Puts any value as the next event of a stream, unchecked, as a damaged
   * or foreign database item would be: for tests of what a read does with
   * it. Returns the version it is at.
   */
  putRaw(stream: StreamName, value: unknown): number {
    const text = canonicalJson(value ?? null);
    const held = [...(this.streams.get(stream) ?? []), text];
    this.streams.set(stream, held);

    return held.length;
  }

  /** The names of every stream that holds events. */
  streamNames(): StreamName[] {
    return [...this.streams.keys()].sort();
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

  /**
   * The events after `fromVersion`, each checked against the event
   * schema: a malformed one (put there with {@link putRaw}) is
   * `StreamCorrupt`, as a damaged database item would be.
   */
  private slice(
    stream: StreamName,
    fromVersion: number,
  ): Result<StreamSlice, SgsyncError> {
    const held = this.streams.get(stream) ?? [];
    const from = Math.max(0, Math.min(fromVersion, held.length));
    const events: StoredEvent[] = [];
    for (const [i, text] of held.slice(from).entries()) {
      const version = from + i + 1;
      const event = eventOf(text);
      if (event.isErr()) return err(corrupt(stream, version, event.error));
      events.push({ stream, version, event: event.value });
    }

    return ok({ version: held.length, events });
  }

  private append(
    stream: StreamName,
    expectedVersion: number,
    events: readonly MembershipEvent[],
  ): Result<{ readonly version: number }, SgsyncError> {
    const limit = this.maxEventsPerAppend ?? Number.POSITIVE_INFINITY;
    if (events.length > limit)
      return err(tooLong(stream, events.length, limit));

    const held = this.streams.get(stream) ?? [];
    if (held.length !== expectedVersion) {
      return err(conflict(stream, expectedVersion, held.length));
    }

    const next = [...held, ...events.map((e) => canonicalJson(e))];
    this.streams.set(stream, next);

    return ok({ version: next.length });
  }

  private copy(
    stream: StreamName,
    events: readonly StoredEvent[],
  ): Result<{ readonly copied: number }, SgsyncError> {
    const held = this.streams.get(stream) ?? [];
    const working = [...held];
    const ordered = [...events].sort((a, b) => a.version - b.version);
    for (const stored of ordered) {
      const problem = place(working, stream, stored);
      if (problem) return err(problem);
    }

    this.streams.set(stream, working);

    return ok({ copied: working.length - held.length });
  }
}

/**
 * Puts one copied event into the working list: skips it when held with
 * the same content, adds it when it is the next version, and otherwise
 * says why the stream would be corrupt.
 */
const place = (
  working: string[],
  stream: StreamName,
  stored: StoredEvent,
): SgsyncError | undefined => {
  const text = canonicalJson(stored.event);
  const held = working[stored.version - 1];
  if (stored.version >= 1 && held !== undefined) {
    return held === text
      ? undefined
      : corrupt(stream, stored.version, 'holds another event');
  }
  if (stored.version !== working.length + 1) {
    return corrupt(stream, working.length + 1, 'would be missing');
  }

  working.push(text);
  return undefined;
};

/** The event a held text is, or what is wrong with it. */
const eventOf = (text: string): Result<MembershipEvent, string> =>
  parseMembershipEvent(JSON.parse(text)).mapErr((e) => `is ${e.message}`);

/** The schema's refusal of a copy, naming the stream. */
const copyRefused = (stream: StreamName, error: InputInvalid): SgsyncError => ({
  ...error,
  message: `a copy to ${stream} is refused: ${error.message}`,
});

/** JSON with object keys in code-unit order: equal values, equal text. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );

const conflict = (
  stream: StreamName,
  expectedVersion: number,
  actualVersion: number,
): SgsyncError => ({
  kind: 'VersionConflict',
  message:
    `${stream} is at version ${actualVersion}, ` +
    `not ${expectedVersion} as expected`,
  stream,
  expectedVersion,
  actualVersion,
});

const corrupt = (
  stream: StreamName,
  version: number,
  what: string,
): SgsyncError => ({
  kind: 'StreamCorrupt',
  message: `${stream} version ${version} ${what}`,
  stream,
  version,
});

const tooLong = (
  stream: StreamName,
  events: number,
  limit: number,
): SgsyncError => ({
  kind: 'InputInvalid',
  message: `an append of ${events} events to ${stream} is over the ${limit} one append takes`,
  problems: [{ path: 'events', reason: `more than ${limit} events` }],
});

import { gunzipSync, gzipSync } from 'node:zlib';
import {
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  parseSnapshot,
  type SgsyncError,
  type Snapshot,
  type SnapshotStore,
  type SnapshotWrite,
  type StreamName,
} from '@sgsync/core';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { canonicalJson, translateStoreError } from './event-store.js';
import { errorCode, type CallSite } from './sdk-errors.js';

/** What {@link DynamoDbSnapshotStore} needs. */
export interface DynamoDbSnapshotStoreOptions {
  readonly client: DynamoDBClient;
  readonly region: string;
  /** The event table: partition key `stream` (S), sort key `version` (N). */
  readonly tableName: string;
}

/**
 * The largest item DynamoDB stores: 400 KB, where 1 KB is 1024 bytes, and
 * an item's size is the UTF-8 length of its attribute names plus the size
 * of their values.
 */
export const MAX_ITEM_BYTES = 400 * 1024;

/** The sort key of every snapshot item: one item per stream. */
const SNAPSHOT_SORT_KEY = '0';

type Item = Record<string, AttributeValue>;

/**
 * The snapshot store port on the region's event table, beside the events.
 *
 * Item layout: one item per stream, keyed `stream` =
 * `<stream>#snapshot` (no stream name holds a `#`, so it never meets a
 * stream's events) and `version` = 0; `snapshotVersion` (N) is the
 * version the snapshot was taken at, and `state` (B) the snapshot's state
 * as canonical JSON, gzipped. A write is one PutItem guarded by
 * `attribute_not_exists(#s) OR snapshotVersion < :v`, so that it never
 * goes backwards and a repeated write changes nothing. A snapshot whose
 * item would exceed DynamoDB's 400 KB is not written: the write answers
 * `too-large` with the item's size, and readers go on replaying the
 * stream from its last snapshot (or from its first event).
 *
 * @example
 * ```ts
 * const snapshots = new DynamoDbSnapshotStore({
 *   client: new DynamoDBClient({ region: 'eu-west-1' }),
 *   region: 'eu-west-1',
 *   tableName: 'sgsync-events',
 * });
 * await snapshots.writeSnapshot('orders-db/eu-west-1', toSnapshot(state));
 * ```
 */
export class DynamoDbSnapshotStore implements SnapshotStore {
  readonly #options: DynamoDbSnapshotStoreOptions;

  constructor(options: DynamoDbSnapshotStoreOptions) {
    this.#options = options;
  }

  /** The stream's snapshot (one consistent GetItem), or undefined. */
  readSnapshot(
    stream: StreamName,
  ): ResultAsync<Snapshot | undefined, SgsyncError> {
    const get = new GetItemCommand({
      TableName: this.#options.tableName,
      Key: snapshotKey(stream),
      ConsistentRead: true,
    });

    return ResultAsync.fromPromise(this.#options.client.send(get), (e) =>
      translateStoreError(e, this.#site(stream, 'GetItem')),
    ).andThen((out) =>
      out.Item === undefined
        ? okAsync(undefined)
        : snapshotOf(stream, out.Item),
    );
  }

  /** Keeps the snapshot unless a newer one is held or it does not fit. */
  writeSnapshot(
    stream: StreamName,
    snapshot: Snapshot,
  ): ResultAsync<SnapshotWrite, SgsyncError> {
    const item = snapshotItem(stream, snapshot);
    const bytes = itemBytes(item);
    if (bytes > MAX_ITEM_BYTES) return okAsync({ outcome: 'too-large', bytes });

    return ResultAsync.fromPromise(
      this.#options.client.send(this.#put(item, snapshot.version)),
      (e) => e,
    )
      .map((): SnapshotWrite => ({ outcome: 'written', bytes }))
      .orElse((error) =>
        errorCode(error) === 'ConditionalCheckFailedException'
          ? okAsync<SnapshotWrite, SgsyncError>({ outcome: 'kept', bytes })
          : errAsync(translateStoreError(error, this.#site(stream, 'PutItem'))),
      );
  }

  #put(item: Item, version: number): PutItemCommand {
    return new PutItemCommand({
      TableName: this.#options.tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#s) OR #sv < :v',
      ExpressionAttributeNames: { '#s': 'stream', '#sv': 'snapshotVersion' },
      ExpressionAttributeValues: { ':v': { N: String(version) } },
    });
  }

  #site(stream: StreamName, operation: string): CallSite {
    return {
      service: 'dynamodb',
      region: this.#options.region,
      resource: `${this.#options.tableName}:${stream}#snapshot`,
      operation,
    };
  }
}

const snapshotKey = (stream: StreamName): Item => ({
  stream: { S: `${stream}#snapshot` },
  version: { N: SNAPSHOT_SORT_KEY },
});

const snapshotItem = (stream: StreamName, snapshot: Snapshot): Item => ({
  ...snapshotKey(stream),
  snapshotVersion: { N: String(snapshot.version) },
  state: { B: gzipSync(canonicalJson(snapshot.state)) },
});

/**
 * An item's size as DynamoDB counts it, for the attributes a snapshot
 * item has: names and strings in UTF-8 bytes, binaries in raw bytes, and
 * numbers at most one byte per digit plus one (an upper bound).
 */
export const itemBytes = (item: Item): number =>
  Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value),
    0,
  );

const valueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return value.N.length + 1;
  if (value.B !== undefined) return value.B.byteLength;

  return 0;
};

const snapshotOf = (
  stream: StreamName,
  item: Item,
): ResultAsync<Snapshot, SgsyncError> => {
  const version = Number(item['snapshotVersion']?.N);
  const state = item['state']?.B;
  try {
    const data = state ? JSON.parse(gunzipSync(state).toString('utf8')) : null;
    const parsed = parseSnapshot(stream, { version, state: data });

    return parsed.isOk() ? okAsync(parsed.value) : errAsync(parsed.error);
  } catch {
    return errAsync(unreadable(stream));
  }
};

const unreadable = (stream: StreamName): SgsyncError => ({
  kind: 'StreamCorrupt',
  message: `the snapshot of ${stream} is not gzipped JSON`,
  stream,
  version: 0,
});

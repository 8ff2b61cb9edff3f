import { createHash } from 'node:crypto';
import {
  GetItemCommand,
  paginateQuery,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
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
import {
  err,
  errAsync,
  ok,
  okAsync,
  ResultAsync,
  type Result,
} from 'neverthrow';
import {
  errorCode,
  errorMessage,
  notFound,
  translateCommonError,
  type CallSite,
} from './sdk-errors.js';

/** What {@link DynamoDbEventStore} needs. */
export interface DynamoDbEventStoreOptions {
  readonly client: DynamoDBClient;
  readonly region: string;
  /** The table: partition key `stream` (S), sort key `version` (N). */
  readonly tableName: string;
}

/**
 * Items one TransactWriteItems call may hold (DynamoDB's documented
 * limit). An append is one transaction: a longer one is refused, since
 * splitting it would break its atomicity.
 */
export const MAX_ITEMS_PER_TRANSACTION = 100;

type Item = Record<string, AttributeValue>;

/**
 * The event store port on one DynamoDB table, one item per (stream,
 * version) with the event's `type` and its `data` as canonical JSON.
 *
 * An append is one TransactWriteItems call: a put of each new version
 * guarded by `attribute_not_exists(version)`, and, when the expected
 * version is above 0, a check that that version exists. A concurrent
 * append therefore fails with `VersionConflict` naming the item, and
 * writes nothing. Reads are consistent Queries, paginated. A copy from
 * another region puts each event under the same guard and, when the
 * version is already held, compares: the same event is skipped, another
 * one is `StreamCorrupt`.
 *
 * @example
 * ```ts
 * const store = new DynamoDbEventStore({
 *   client: new DynamoDBClient({ region: 'eu-west-1' }),
 *   region: 'eu-west-1',
 *   tableName: 'sgsync-events',
 * });
 * await store.appendToStream('orders-db/eu-west-1', 0, [joined]);
 * ```
 */
export class DynamoDbEventStore implements EventStore {
  /**
   * One transaction item is kept for the check of the expected version;
   * the use cases split longer decisions into several appends.
   */
  readonly maxEventsPerAppend = MAX_ITEMS_PER_TRANSACTION - 1;
  readonly #options: DynamoDbEventStoreOptions;

  constructor(options: DynamoDbEventStoreOptions) {
    this.#options = options;
  }

  /**
   * The events after `fromVersion`, and the stream's last version. From
   * version 0 it is one paginated Query (an empty answer means an empty
   * stream). From a later version it first asks for the last version, and
   * reads the events after `fromVersion` only if there are any, so that
   * asking where a stream is costs one call.
   */
  readStream(
    stream: StreamName,
    fromVersion = 0,
  ): ResultAsync<StreamSlice, SgsyncError> {
    if (fromVersion <= 0) return this.#readFrom(stream, 0);

    return this.lastVersion(stream).andThen((last) =>
      last <= fromVersion
        ? okAsync({ version: last, events: [] })
        : this.#readFrom(stream, fromVersion),
    );
  }

  #readFrom(
    stream: StreamName,
    fromVersion: number,
  ): ResultAsync<StreamSlice, SgsyncError> {
    const site = this.#site(stream, 'Query');

    return ResultAsync.fromPromise(this.#query(stream, fromVersion), (e) =>
      translateStoreError(e, site),
    ).andThen((items) => {
      const events = toEvents(stream, fromVersion, items);
      if (events.isErr()) return errAsync(events.error);

      const last = events.value.at(-1);

      return okAsync({
        version: last?.version ?? fromVersion,
        events: events.value,
      });
    });
  }

  /** The stream's last version (0 when empty): one Query, newest first. */
  lastVersion(stream: StreamName): ResultAsync<number, SgsyncError> {
    const query = new QueryCommand({
      TableName: this.#options.tableName,
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': 'stream', '#v': 'version' },
      ExpressionAttributeValues: { ':s': { S: stream } },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
      ProjectionExpression: '#v',
    });

    return ResultAsync.fromPromise(this.#options.client.send(query), (e) =>
      translateStoreError(e, this.#site(stream, 'Query')),
    ).map((out) => Number(out.Items?.[0]?.['version']?.N ?? 0));
  }

  /** Appends all events or none, if the stream is at `expectedVersion`. */
  appendToStream(
    stream: StreamName,
    expectedVersion: number,
    events: readonly MembershipEvent[],
  ): ResultAsync<{ readonly version: number }, SgsyncError> {
    const items = this.#transactionItems(stream, expectedVersion, events);
    if (items.length > MAX_ITEMS_PER_TRANSACTION) {
      return errAsync(tooLong(stream, events.length, items.length));
    }
    if (events.length === 0) {
      return this.#checkAt(stream, expectedVersion);
    }

    const command = new TransactWriteItemsCommand({
      TransactItems: items,
      ClientRequestToken: requestToken(stream, expectedVersion, events),
    });

    return ResultAsync.fromPromise(this.#options.client.send(command), (e) => e)
      .map(() => ({ version: expectedVersion + events.length }))
      .orElse((error) => this.#appendFailed(error, stream, expectedVersion));
  }

  /**
   * Copies another region's events, keeping their versions; idempotent.
   * A copy with a malformed event is refused, as `InputInvalid`, before
   * anything is written.
   */
  copyEvents(
    stream: StreamName,
    events: readonly StoredEvent[],
  ): ResultAsync<{ readonly copied: number }, SgsyncError> {
    const checked = parseStoredEvents(events);
    if (checked.isErr()) return errAsync(copyRefused(stream, checked.error));

    const ordered = [...events].sort((a, b) => a.version - b.version);

    return ordered
      .reduce<ResultAsync<number, SgsyncError>>(
        (done, event) =>
          done.andThen((copied) =>
            this.#copyOne(stream, event).map((n) => copied + n),
          ),
        okAsync(0),
      )
      .map((copied) => ({ copied }));
  }

  async #query(stream: StreamName, fromVersion: number): Promise<Item[]> {
    const pages = paginateQuery(
      { client: this.#options.client },
      {
        TableName: this.#options.tableName,
        KeyConditionExpression: '#s = :s AND #v > :from',
        ExpressionAttributeNames: { '#s': 'stream', '#v': 'version' },
        ExpressionAttributeValues: {
          ':s': { S: stream },
          ':from': { N: String(fromVersion) },
        },
        ConsistentRead: true,
      },
    );
    const items: Item[] = [];
    for await (const page of pages) items.push(...(page.Items ?? []));

    return items;
  }

  #transactionItems(
    stream: StreamName,
    expectedVersion: number,
    events: readonly MembershipEvent[],
  ): TransactWriteItem[] {
    const table = this.#options.tableName;
    const check: TransactWriteItem[] =
      expectedVersion > 0
        ? [
            {
              ConditionCheck: {
                TableName: table,
                Key: keyOf(stream, expectedVersion),
                ConditionExpression: 'attribute_exists(#v)',
                ExpressionAttributeNames: { '#v': 'version' },
              },
            },
          ]
        : [];
    const puts = events.map((event, i) => ({
      Put: {
        TableName: table,
        Item: itemOf(stream, expectedVersion + i + 1, event),
        ConditionExpression: 'attribute_not_exists(#v)',
        ExpressionAttributeNames: { '#v': 'version' },
      },
    }));

    return [...check, ...puts];
  }

  /** An empty append succeeds only at the expected version. */
  #checkAt(
    stream: StreamName,
    expectedVersion: number,
  ): ResultAsync<{ readonly version: number }, SgsyncError> {
    return this.lastVersion(stream).andThen((actual) =>
      actual === expectedVersion
        ? okAsync({ version: actual })
        : errAsync(conflict(stream, expectedVersion, actual, undefined)),
    );
  }

  #appendFailed(
    error: unknown,
    stream: StreamName,
    expectedVersion: number,
  ): ResultAsync<{ readonly version: number }, SgsyncError> {
    const site = this.#site(stream, 'TransactWriteItems');
    const reason = cancellation(error, stream, expectedVersion);
    if (reason === undefined) return errAsync(translateStoreError(error, site));
    if (!CONFLICT_REASONS.has(reason.code)) {
      return errAsync(
        translateCommonError(reasonError(reason), {
          ...site,
          item: reason.item,
        }),
      );
    }

    return this.lastVersion(stream)
      .orElse(() => okAsync<number | undefined, SgsyncError>(undefined))
      .andThen((actual) =>
        errAsync(conflict(stream, expectedVersion, actual, reason)),
      );
  }

  #copyOne(
    stream: StreamName,
    event: StoredEvent,
  ): ResultAsync<number, SgsyncError> {
    const site = this.#site(`${stream}@${event.version}`, 'PutItem');
    const put = new PutItemCommand({
      TableName: this.#options.tableName,
      Item: itemOf(stream, event.version, event.event),
      ConditionExpression: 'attribute_not_exists(#v)',
      ExpressionAttributeNames: { '#v': 'version' },
    });

    return ResultAsync.fromPromise(this.#options.client.send(put), (e) => e)
      .map(() => 1)
      .orElse((error) =>
        errorCode(error) === 'ConditionalCheckFailedException'
          ? this.#compareHeld(stream, event)
          : errAsync(translateStoreError(error, site)),
      );
  }

  /** The version is held: the same event is skipped, another is corrupt. */
  #compareHeld(
    stream: StreamName,
    event: StoredEvent,
  ): ResultAsync<number, SgsyncError> {
    const site = this.#site(`${stream}@${event.version}`, 'GetItem');
    const get = new GetItemCommand({
      TableName: this.#options.tableName,
      Key: keyOf(stream, event.version),
      ConsistentRead: true,
    });

    return ResultAsync.fromPromise(this.#options.client.send(get), (e) =>
      translateStoreError(e, site),
    ).andThen((out) =>
      out.Item !== undefined && sameEvent(out.Item, event.event)
        ? okAsync(0)
        : errAsync(corrupt(stream, event.version, 'holds another event')),
    );
  }

  #site(resource: string, operation: string): CallSite {
    return {
      service: 'dynamodb',
      region: this.#options.region,
      resource: `${this.#options.tableName}:${resource}`,
      operation,
    };
  }
}

/** The key of one event's item. */
export const keyOf = (stream: StreamName, version: number): Item => ({
  stream: { S: stream },
  version: { N: String(version) },
});

/** One event as an item: its key, its type, and its data as JSON. */
export const itemOf = (
  stream: StreamName,
  version: number,
  event: MembershipEvent,
): Item => ({
  ...keyOf(stream, version),
  type: { S: event.type },
  data: { S: canonicalJson(event.data) },
});

/** JSON with object keys sorted, so that equal data gives equal text. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;

  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
};

const sameEvent = (item: Item, event: MembershipEvent): boolean =>
  item['type']?.S === event.type &&
  item['data']?.S === canonicalJson(event.data);

/**
 * Items to events, checking that versions follow on without a gap and
 * that every item holds a membership event as this version writes them.
 */
const toEvents = (
  stream: StreamName,
  fromVersion: number,
  items: readonly Item[],
): Result<StoredEvent[], SgsyncError> => {
  const events: StoredEvent[] = [];
  for (const [i, item] of items.entries()) {
    const version = Number(item['version']?.N);
    if (version !== fromVersion + i + 1) {
      return err(corrupt(stream, fromVersion + i + 1, 'is missing'));
    }

    const event = eventOf(item);
    if (event.isErr()) return err(corrupt(stream, version, event.error));
    events.push({ stream, version, event: event.value });
  }

  return ok(events);
};

/** The event an item holds, or what is wrong with it. */
const eventOf = (item: Item): Result<MembershipEvent, string> => {
  const type = item['type']?.S;
  const data = item['data']?.S;
  if (type === undefined || data === undefined) {
    return err('is not a membership event: no type or no data');
  }

  try {
    return parseMembershipEvent({ type, data: JSON.parse(data) }).mapErr(
      (e) => `is ${e.message}`,
    );
  } catch {
    return err('is not a membership event: its data is not JSON');
  }
};

/** Why a transaction was cancelled, and which item caused it. */
interface Cancellation {
  readonly code: string;
  readonly message: string;
  readonly item: string;
}

const CONFLICT_REASONS = new Set([
  'ConditionalCheckFailed',
  'TransactionConflict',
]);

/**
 * The first reason of a TransactionCanceledException that is not `None`,
 * with the item it names: reason i is about transaction item i, and item
 * 0 is the version check when the expected version is above 0.
 */
const cancellation = (
  error: unknown,
  stream: StreamName,
  expectedVersion: number,
): Cancellation | undefined => {
  if (errorCode(error) !== 'TransactionCanceledException') return undefined;

  const reasons =
    (error as { CancellationReasons?: { Code?: string; Message?: string }[] })
      .CancellationReasons ?? [];
  const index = reasons.findIndex((r) => r.Code && r.Code !== 'None');
  const reason = reasons[index];
  if (reason === undefined) {
    return { code: 'Unknown', message: errorMessage(error), item: stream };
  }

  const version =
    expectedVersion > 0 ? expectedVersion + index : expectedVersion + index + 1;

  return {
    code: reason.Code ?? 'Unknown',
    message: reason.Message ?? errorMessage(error),
    item: `${stream}@${version}`,
  };
};

const reasonError = (reason: Cancellation) => ({
  name: reason.code === 'ThrottlingError' ? 'ThrottlingException' : reason.code,
  message: reason.message,
  $metadata: { httpStatusCode: 400 },
});

const conflict = (
  stream: StreamName,
  expectedVersion: number,
  actual: number | undefined,
  reason: Cancellation | undefined,
): SgsyncError => ({
  kind: 'VersionConflict',
  message:
    `${stream} is not at version ${expectedVersion}` +
    (actual === undefined ? '' : ` but at ${actual}`) +
    (reason ? ` (${reason.code} on ${reason.item})` : ''),
  stream,
  expectedVersion,
  actualVersion: actual,
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

/** The schema's refusal of a copy, naming the stream. */
const copyRefused = (
  stream: StreamName,
  error: InputInvalid,
): InputInvalid => ({
  ...error,
  message: `a copy to ${stream} is refused: ${error.message}`,
});

const tooLong = (stream: StreamName, events: number, items: number) =>
  ({
    kind: 'InputInvalid',
    message:
      `an append of ${events} events to ${stream} needs ${items} ` +
      `transaction items; DynamoDB takes at most ` +
      `${MAX_ITEMS_PER_TRANSACTION}`,
    problems: [
      {
        path: 'events',
        reason: `more than ${MAX_ITEMS_PER_TRANSACTION} items in one append`,
      },
    ],
  }) satisfies SgsyncError;

/**
 * The idempotency token of an append: a retry of the same append within
 * DynamoDB's ten minutes is answered as the first one was.
 */
const requestToken = (
  stream: StreamName,
  expectedVersion: number,
  events: readonly MembershipEvent[],
): string =>
  createHash('sha256')
    .update(canonicalJson({ stream, expectedVersion, events }))
    .digest('hex')
    .slice(0, 36);

/** Translates a DynamoDB exception. */
export const translateStoreError = (
  error: unknown,
  site: CallSite,
): SgsyncError =>
  errorCode(error) === 'ResourceNotFoundException'
    ? notFound(site, error)
    : translateCommonError(error, site);

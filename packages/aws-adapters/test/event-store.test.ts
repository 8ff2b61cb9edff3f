import {
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDbEventStore,
  MAX_ITEMS_PER_TRANSACTION,
} from '@sgsync/aws-adapters';
import type { StoredEvent } from '@sgsync/core';
import { errOf, joinedEvents, okOf } from '@sgsync/core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { networkError, serviceError } from './support/sdk-errors.js';

const dynamo = mockClient(DynamoDBClient);
const STREAM = 'orders/eu-west-1';
const LEFT_DATA =
  '{"cause":"true-up","instanceId":"i-1","observedAt":"t","reason":"parked"}';

const store = () =>
  new DynamoDbEventStore({
    client: new DynamoDBClient({ region: 'eu-west-1' }),
    region: 'eu-west-1',
    tableName: 'sgsync-events',
  });

const cancelled = (codes: readonly string[]) =>
  serviceError('TransactionCanceledException', 'Transaction cancelled', 400, {
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('DynamoDbEventStore with SDK stubs', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(QueryCommand).resolves({ Items: [{ version: { N: '3' } }] });
  });

  it('names the item whose condition failed in the VersionConflict (SDK stub)', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .rejects(cancelled(['None', 'None', 'ConditionalCheckFailed']));

    const error = await errOf(
      store().appendToStream(STREAM, 2, joinedEvents(2)),
    );

    expect(error).toMatchObject({
      kind: 'VersionConflict',
      stream: STREAM,
      expectedVersion: 2,
      actualVersion: 3,
    });
    expect(error.message).toContain(`${STREAM}@4`);
  });

  it('guards every put and checks the expected version in one transaction (SDK stub)', async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});

    await store().appendToStream(STREAM, 2, joinedEvents(2));

    const items =
      dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input
        .TransactItems ?? [];
    expect(items.map((i) => Object.keys(i)[0])).toStrictEqual([
      'ConditionCheck',
      'Put',
      'Put',
    ]);
    expect(items[0]?.ConditionCheck?.Key).toStrictEqual({
      stream: { S: STREAM },
      version: { N: '2' },
    });
    expect(items[1]?.Put?.ConditionExpression).toBe('attribute_not_exists(#v)');
    expect(items[2]?.Put?.Item?.['version']).toStrictEqual({ N: '4' });
  });

  it('reports a throttled transaction item as Throttled, naming it (SDK stub)', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .rejects(cancelled(['ThrottlingError']));

    const error = await errOf(
      store().appendToStream(STREAM, 0, joinedEvents(1)),
    );

    expect(error.kind).toBe('Throttled');
    expect(error.message).toContain(`${STREAM}@1`);
  });

  it('refuses an append longer than one transaction and makes no call', async () => {
    const events = joinedEvents(MAX_ITEMS_PER_TRANSACTION);

    const error = await errOf(store().appendToStream(STREAM, 1, events));

    expect(error.kind).toBe('InputInvalid');
    expect(dynamo.calls()).toHaveLength(0);
  });

  it.each([
    [serviceError('ResourceNotFoundException'), 'NotFound'],
    [serviceError('ProvisionedThroughputExceededException'), 'Throttled'],
    [serviceError('InternalServerError', 'boom', 500), 'Unreachable'],
    [networkError('TimeoutError'), 'Unreachable'],
  ])('translates a failed read to %s (SDK stub)', async (thrown, kind) => {
    dynamo.on(QueryCommand).rejects(thrown);

    const error = await errOf(store().readStream(STREAM));

    expect(error.kind).toBe(kind);
  });

  it('fails a read with StreamCorrupt when a version is missing (SDK stub)', async () => {
    const item = (version: number) => ({
      stream: { S: STREAM },
      version: { N: String(version) },
      type: { S: 'MemberLeft' },
      data: { S: LEFT_DATA },
    });
    dynamo.on(QueryCommand).resolves({ Items: [item(1), item(3)] });

    const error = await errOf(store().readStream(STREAM));

    expect(error).toMatchObject({ kind: 'StreamCorrupt', version: 2 });
  });

  it.each([
    ['data that is not JSON', 'MemberLeft', '{"instanceId":'],
    ['a type no version writes', 'MemberVanished', '{"instanceId":"i-1"}'],
    ['data without its fields', 'MemberLeft', '{"instanceId":"i-1"}'],
  ])(
    'fails a read with StreamCorrupt on an item with %s (SDK stub)',
    async (_what, type, data) => {
      dynamo.on(QueryCommand).resolves({
        Items: [
          {
            stream: { S: STREAM },
            version: { N: '1' },
            type: { S: type },
            data: { S: data },
          },
        ],
      });

      const error = await errOf(store().readStream(STREAM));

      expect(error).toMatchObject({
        kind: 'StreamCorrupt',
        stream: STREAM,
        version: 1,
      });
      expect(error.message).toContain(`${STREAM} version 1 is`);
    },
  );

  it('refuses a copy with a malformed event before any call (SDK stub)', async () => {
    dynamo.on(PutItemCommand).resolves({});
    const good = joinedEvents(2).map((event, i) => ({
      stream: STREAM,
      version: i + 1,
      event,
    }));
    const bad = {
      stream: STREAM,
      version: 3,
      event: { type: 'MemberJoined', data: { instanceId: '' } },
    } as unknown as StoredEvent;

    const error = await errOf(store().copyEvents(STREAM, [...good, bad]));

    expect(error.kind).toBe('InputInvalid');
    expect(error.message).toContain(STREAM);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('follows LastEvaluatedKey across pages of a consistent read (SDK stub)', async () => {
    const item = (version: number) => ({
      stream: { S: STREAM },
      version: { N: String(version) },
      type: { S: 'MemberLeft' },
      data: { S: LEFT_DATA },
    });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(1)], LastEvaluatedKey: item(1) })
      .resolvesOnce({ Items: [item(2)] });

    const slice = await okOf(store().readStream(STREAM));

    const inputs = dynamo
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input);
    expect(slice.version).toBe(2);
    expect(slice.events.map((e) => e.version)).toStrictEqual([1, 2]);
    expect(inputs.map((i) => i.ConsistentRead)).toStrictEqual([true, true]);
    expect(inputs[1]?.ExclusiveStartKey).toStrictEqual(item(1));
  });
});

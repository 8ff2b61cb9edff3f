import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from '@sgsync/aws-adapters';
import { errOf, joinedEvents, okOf } from '@sgsync/core/testing';
import { describe, expect, it } from 'vitest';
import { createEventTable, fixtureClients } from './support/fixtures.js';
import { HARNESS_REGION } from './support/harnesses.js';

const storeOnNewTable = async () => {
  const { dynamoDb } = fixtureClients(HARNESS_REGION);
  const tableName = await createEventTable(dynamoDb);
  const store = new DynamoDbEventStore({
    client: dynamoDb,
    region: HARNESS_REGION,
    tableName,
  });

  return { dynamoDb, tableName, store };
};

/** An item as the README documents them, with any type and data. */
const rawItem = (
  stream: string,
  version: number,
  type: string,
  data: string,
) => ({
  stream: { S: stream },
  version: { N: String(version) },
  type: { S: type },
  data: { S: data },
});

describe('DynamoDbEventStore reading items it did not write, on moto', () => {
  it('reads a malformed item as StreamCorrupt naming stream and version', async () => {
    // arrange: two good events, then an item whose data lacks its fields
    const { dynamoDb, tableName, store } = await storeOnNewTable();
    const stream = 'damaged/eu-west-1';
    await okOf(store.appendToStream(stream, 0, joinedEvents(2)));
    const damaged = rawItem(stream, 3, 'MemberLeft', '{"instanceId":"i-3"}');
    await dynamoDb.send(
      new PutItemCommand({ TableName: tableName, Item: damaged }),
    );

    // act
    const whole = await errOf(store.readStream(stream));
    const after = await errOf(store.readStream(stream, 2));
    const before = await okOf(store.readStream(stream, 3));

    // assert
    for (const error of [whole, after]) {
      expect(error).toMatchObject({
        kind: 'StreamCorrupt',
        stream,
        version: 3,
      });
      expect(error.message).toContain(`${stream} version 3 is`);
    }
    expect(before).toStrictEqual({ version: 3, events: [] });
  });

  it('reads an item of a type no version writes as StreamCorrupt', async () => {
    const { dynamoDb, tableName, store } = await storeOnNewTable();
    const stream = 'foreign/eu-west-1';
    await dynamoDb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: rawItem(stream, 1, 'MemberVanished', '{"instanceId":"i-1"}'),
      }),
    );

    const error = await errOf(store.readStream(stream));

    expect(error).toMatchObject({ kind: 'StreamCorrupt', stream, version: 1 });
  });
});

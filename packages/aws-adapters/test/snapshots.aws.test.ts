import {
  DynamoDbEventStore,
  DynamoDbSnapshotStore,
  MAX_ITEM_BYTES,
} from '@sgsync/aws-adapters';
import { replay, toSnapshot, type Snapshot } from '@sgsync/core';
import {
  joinedEvents,
  okOf,
  snapshotStoreContract,
} from '@sgsync/core/testing';
import { describe, expect, it } from 'vitest';
import { createEventTable, fixtureClients } from './support/fixtures.js';
import { HARNESS_REGION } from './support/harnesses.js';

const storesOnNewTable = async () => {
  const { dynamoDb } = fixtureClients(HARNESS_REGION);
  const tableName = await createEventTable(dynamoDb);
  const options = { client: dynamoDb, region: HARNESS_REGION, tableName };

  return {
    tableName,
    snapshots: new DynamoDbSnapshotStore(options),
    events: new DynamoDbEventStore(options),
  };
};

snapshotStoreContract('DynamoDbSnapshotStore', async () => {
  const { tableName, snapshots } = await storesOnNewTable();
  let n = 0;

  return {
    store: snapshots,
    newStream: () => `contract/${tableName}/stream-${++n}`,
  };
});

/** A snapshot of `count` members whose ids and addresses do not repeat. */
const bulkySnapshot = (count: number): Snapshot => ({
  version: count,
  state: {
    members: Array.from({ length: count }, (_, i) => ({
      instanceId: `i-${(i * 2654435761).toString(16).padStart(17, '0')}`,
      asgName: `asg-${(i * 40503) % 9973}`,
      addresses: {
        publicIpv4: `${i % 223}.${(i * 7) % 256}.${(i * 13) % 256}.${i % 251}`,
        ipv6: `2001:db8:${(i * 31).toString(16)}::${(i * 97).toString(16)}`,
      },
    })),
    departed: [],
  },
});

describe('DynamoDbSnapshotStore on the event table', () => {
  it('keeps snapshots out of the stream they were taken of', async () => {
    const { snapshots, events } = await storesOnNewTable();
    const stream = 'layout/eu-west-1';
    await okOf(events.appendToStream(stream, 0, joinedEvents(3)));

    await okOf(
      snapshots.writeSnapshot(stream, toSnapshot(replay(joinedEvents(3)))),
    );
    const slice = await okOf(events.readStream(stream));

    expect(slice.version).toBe(3);
    expect(slice.events.map((e) => e.version)).toStrictEqual([1, 2, 3]);
  });

  it('writes no snapshot that would exceed the item size limit', async () => {
    const { snapshots } = await storesOnNewTable();
    const stream = 'large/eu-west-1';

    const written = await okOf(
      snapshots.writeSnapshot(stream, bulkySnapshot(60_000)),
    );

    expect(written.outcome).toBe('too-large');
    expect(written.bytes).toBeGreaterThan(MAX_ITEM_BYTES);
    expect(await okOf(snapshots.readSnapshot(stream))).toBeUndefined();
  });

  it('writes a snapshot of thousands of members within the limit', async () => {
    const { snapshots } = await storesOnNewTable();
    const stream = 'thousands/eu-west-1';

    const written = await okOf(
      snapshots.writeSnapshot(stream, bulkySnapshot(5_000)),
    );

    expect(written.outcome).toBe('written');
    expect(await okOf(snapshots.readSnapshot(stream))).toStrictEqual(
      bulkySnapshot(5_000),
    );
  });
});

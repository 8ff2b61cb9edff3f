import {
  createRegionContext,
  parseClusterConfig,
  readLocalView,
  trueUp,
  type EventStore,
  type RegionContext,
  type RegionPorts,
  type Snapshot,
} from '@sgsync/core';
import { snapshotStoreContract } from '@sgsync/core/testing';
import {
  createInMemoryCluster,
  InMemorySnapshotStore,
  type InMemoryCluster,
} from '@sgsync/in-memory';
import { describe, expect, it } from 'vitest';

let streams = 0;
snapshotStoreContract('InMemorySnapshotStore', async () => ({
  store: new InMemorySnapshotStore({ region: 'us-east-1' }),
  newStream: () => `contract/stream-${++streams}`,
}));

const REGION = 'us-east-1';
const STREAM = 'snap/us-east-1';

const config = parseClusterConfig({
  cluster: 'snap',
  regions: [
    {
      name: REGION,
      asgNames: ['snap-use1'],
      securityGroupIds: ['sg-0123456789abcdef0'],
      eventTable: 'events',
    },
  ],
  rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
  quota: { rulesPerGroup: 1000 },
})._unsafeUnwrap();

/** A store that remembers every version a read started from. */
const spied = (store: EventStore, reads: number[]): EventStore => ({
  readStream: (stream, fromVersion = 0) => {
    reads.push(fromVersion);
    return store.readStream(stream, fromVersion);
  },
  appendToStream: (...args) => store.appendToStream(...args),
  copyEvents: (...args) => store.copyEvents(...args),
});

interface Setup {
  readonly cluster: InMemoryCluster;
  readonly snapshots: InMemorySnapshotStore;
  readonly reads: number[];
  /** The context with snapshots, every `every` events. */
  readonly ctx: RegionContext;
  /** The same region without snapshots. */
  readonly plain: RegionContext;
}

const setup = (every: number, maxBytes?: number): Setup => {
  const cluster = createInMemoryCluster(config, { hooks: false });
  const region = cluster.region(REGION);
  const snapshots = new InMemorySnapshotStore({
    region: REGION,
    world: cluster.world,
    ...(maxBytes === undefined ? {} : { maxBytes }),
  });
  const reads: number[] = [];
  const ports: RegionPorts = {
    ...region.ports,
    stores: new Map([[REGION, spied(region.store, reads)]]),
    snapshots,
    snapshotEvery: every,
  };
  const ctx = createRegionContext(config, ports)._unsafeUnwrap();

  return { cluster, snapshots, reads, ctx, plain: cluster.context(REGION) };
};

/** Grows and shrinks the group, one true-up after each step. */
const churn = async (s: Setup, rounds: number): Promise<void> => {
  const asg = s.cluster.region(REGION).autoScaling;
  for (let i = 0; i < rounds; i += 1) {
    asg.resize('snap-use1', 3 + (i % 4));
    await trueUp(s.plain);
  }
};

describe('reading streams with snapshots', () => {
  it('builds the same view from a snapshot as from every event', async () => {
    const s = setup(5);
    await churn(s, 12);

    await readLocalView(s.ctx);
    const fromSnapshot = (await readLocalView(s.ctx))._unsafeUnwrap();
    const fromScratch = (await readLocalView(s.plain))._unsafeUnwrap();

    expect(s.snapshots.versionOf(STREAM)).toBeGreaterThan(0);
    expect(fromSnapshot).toEqual(fromScratch);
  });

  it('reads only the events after the snapshot', async () => {
    const s = setup(5);
    await churn(s, 12);
    await readLocalView(s.ctx);
    const version = s.snapshots.versionOf(STREAM);
    s.reads.length = 0;

    await readLocalView(s.ctx);

    expect(version).toBeGreaterThan(5);
    expect(s.reads).toStrictEqual([version]);
  });

  it('writes no snapshot until more than the interval of events', async () => {
    const s = setup(1000);
    await churn(s, 6);

    await readLocalView(s.ctx);

    expect(s.snapshots.versionOf(STREAM)).toBe(0);
  });

  it('records at the right version after a snapshot', async () => {
    const s = setup(3);
    await churn(s, 8);
    await readLocalView(s.ctx);
    s.cluster.region(REGION).autoScaling.resize('snap-use1', 9);

    const report = await trueUp(s.ctx);

    expect(report.failures).toStrictEqual([]);
    expect(report.recorded.length).toBeGreaterThan(0);
    expect((await readLocalView(s.ctx))._unsafeUnwrap()).toEqual(
      (await readLocalView(s.plain))._unsafeUnwrap(),
    );
  });

  it('replays in full when the snapshot is too large to keep', async () => {
    const s = setup(2, 16);
    await churn(s, 6);
    await readLocalView(s.ctx);
    s.reads.length = 0;

    const view = (await readLocalView(s.ctx))._unsafeUnwrap();

    expect(s.snapshots.versionOf(STREAM)).toBe(0);
    expect(s.reads).toStrictEqual([0]);
    expect(view).toEqual((await readLocalView(s.plain))._unsafeUnwrap());
  });

  it('replays over an older snapshot format, then writes anew', async () => {
    // arrange: a snapshot as an earlier version wrote it, departed
    // members kept among the members with a status
    const s = setup(2);
    await churn(s, 6);
    const older = {
      version: 3,
      state: {
        members: [
          {
            instanceId: 'i-0',
            asgName: 'snap-use1',
            addresses: {},
            status: 'left',
          },
        ],
      },
    } as unknown as Snapshot;
    await s.snapshots.writeSnapshot(STREAM, older);
    s.reads.length = 0;

    // act
    const view = (await readLocalView(s.ctx))._unsafeUnwrap();

    // assert
    expect(s.reads).toStrictEqual([0]);
    expect(view).toEqual((await readLocalView(s.plain))._unsafeUnwrap());
    expect(s.snapshots.versionOf(STREAM)).toBe(view.get(REGION)?.version);
    expect(s.snapshots.versionOf(STREAM)).toBeGreaterThan(3);
  });

  it('replays in full when reading the snapshot fails', async () => {
    const s = setup(2);
    await churn(s, 6);
    await readLocalView(s.ctx);
    s.cluster.faults.failNext(
      {
        kind: 'Throttled',
        message: 'slow down',
        region: REGION,
        service: 'dynamodb',
      },
      { operation: 'readSnapshot' },
    );
    s.reads.length = 0;

    const view = await readLocalView(s.ctx);

    expect(view.isOk()).toBe(true);
    expect(s.reads).toStrictEqual([0]);
  });
});

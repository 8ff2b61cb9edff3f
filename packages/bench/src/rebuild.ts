import {
  createRegionContext,
  readLocalView,
  streamName,
  type MembershipEvent,
  type RegionContext,
} from '@sgsync/core';
import {
  createInMemoryCluster,
  InMemorySnapshotStore,
  type InMemoryEventStore,
} from '@sgsync/in-memory';
import { Bench } from 'tinybench';
import {
  count,
  ms,
  ratio,
  size,
  type FigureTable,
  type Section,
} from './report.js';
import { benchConfig } from './scenario.js';

/** Events of history the rebuild is timed at. */
export const HISTORY_SIZES = [1_000, 100_000, 1_000_000] as const;

/** Members the cluster has at the end of every history. */
export const MEMBERS = 100;

/** Events appended after the snapshot: a tail shorter than the interval. */
const TAIL = 50;

/** How the history after the first joins was made. */
type Churn = 'address changes' | 'replacements';

const AT = '2026-01-01T00:00:00.000Z';

const idOf = (n: number): string => `i-${n.toString(16).padStart(17, '0')}`;

const joined = (n: number, salt = 0): MembershipEvent => ({
  type: 'MemberJoined',
  data: {
    instanceId: idOf(n),
    asgName: 'bench',
    addresses: {
      publicIpv4: `100.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${(n + salt) & 255}`,
    },
    cause: 'true-up',
    observedAt: AT,
  },
});

const changed = (n: number, salt: number): MembershipEvent => ({
  type: 'MemberAddressesChanged',
  data: {
    instanceId: idOf(n),
    addresses: { publicIpv4: `198.18.${salt & 255}.${n & 255}` },
    observedAt: AT,
  },
});

const left = (n: number): MembershipEvent => ({
  type: 'MemberLeft',
  data: {
    instanceId: idOf(n),
    reason: 'terminated',
    cause: 'true-up',
    observedAt: AT,
  },
});

/**
 * `length` events that end with {@link MEMBERS} members: their joins,
 * then either address changes of those members, or replacements (one
 * member leaves, a new one joins), which leave a record of every member
 * that ever left.
 */
export const history = (
  churn: Churn,
  length: number,
  from = 0,
): MembershipEvent[] => {
  const events: MembershipEvent[] = [];
  for (let i = from; i < from + length; i += 1) {
    events.push(eventAt(churn, i));
  }

  return events;
};

const eventAt = (churn: Churn, i: number): MembershipEvent => {
  if (i < MEMBERS) return joined(i);
  if (churn === 'address changes') return changed(i % MEMBERS, i);

  const step = i - MEMBERS;
  const round = Math.floor(step / 2);

  return step % 2 === 0 ? left(round) : joined(MEMBERS + round);
};

interface RebuildFigure {
  readonly churn: Churn;
  readonly events: number;
  readonly fullMs: number;
  readonly snapshotMs: number;
  readonly snapshotBytes: number;
  readonly records: number;
}

const medianOf = async (work: () => Promise<unknown>): Promise<number> => {
  const bench = new Bench({
    time: 0,
    iterations: 3,
    warmupIterations: 1,
    warmupTime: 0,
  });
  bench.add('rebuild', async () => {
    await work();
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result?.state !== 'completed') throw new Error('rebuild failed');

  return result.latency.p50 ?? result.latency.mean;
};

const viewOf = async (ctx: RegionContext): Promise<number> => {
  const view = await readLocalView(ctx);
  if (view.isErr()) throw new Error(view.error.message);

  return [...view.value.values()].reduce((n, s) => n + s.members.size, 0);
};

const measure = async (
  churn: Churn,
  events: number,
): Promise<RebuildFigure> => {
  const config = benchConfig({ regions: 1, rulesPerGroup: 1000 });
  const cluster = createInMemoryCluster(config, { hooks: false });
  const region = cluster.region('us-east-1');
  const store = region.store as InMemoryEventStore;
  const stream = streamName(config.cluster, 'us-east-1');
  await store.appendToStream(stream, 0, history(churn, events));
  const snapshots = new InMemorySnapshotStore({
    region: region.name,
    world: cluster.world,
  });
  const withSnapshots = createRegionContext(config, {
    ...region.ports,
    snapshots,
    snapshotEvery: 100,
  })._unsafeUnwrap();
  const records = await viewOf(withSnapshots);
  await store.appendToStream(stream, events, history(churn, TAIL, events));
  const read = await snapshots.readSnapshot(stream);
  const snapshotBytes = JSON.stringify(read._unsafeUnwrap() ?? {}).length;

  return {
    churn,
    events,
    fullMs: await medianOf(() => viewOf(cluster.context('us-east-1'))),
    snapshotMs: await medianOf(() => viewOf(withSnapshots)),
    snapshotBytes,
    records,
  };
};

const table = (
  figures: readonly RebuildFigure[],
  churn: Churn,
): FigureTable => ({
  title: `Rebuild of a region's view, ${MEMBERS} members, history of ${churn}`,
  head: [
    'events',
    'full replay (ms)',
    `snapshot + ${TAIL} events (ms)`,
    'speed-up',
    'records in state',
    'snapshot size (JSON)',
  ],
  rows: figures
    .filter((f) => f.churn === churn)
    .map((f) => [
      count(f.events),
      ms(f.fullMs),
      ms(f.snapshotMs),
      ratio(f.fullMs / f.snapshotMs),
      count(f.records),
      size(f.snapshotBytes),
    ]),
});

/** The event store section: rebuild times with and without snapshots. */
export const rebuildSection = async (): Promise<Section> => {
  const figures: RebuildFigure[] = [];
  for (const churn of ['address changes', 'replacements'] as const) {
    for (const events of HISTORY_SIZES)
      figures.push(await measure(churn, events));
  }

  return {
    title: 'Event store: rebuilding a view',
    intro: [
      `A region's view is rebuilt by readLocalView from the in-memory ` +
        `event store (each event kept as JSON and parsed on read, as a ` +
        `database would return it). Every history ends with ${MEMBERS} ` +
        `members. "Full replay" folds every event; "snapshot" reads the ` +
        `latest snapshot (written after more than 100 events, the default ` +
        `interval) and the ${TAIL} events after it. Median of three runs ` +
        `after one warm-up.`,
      'Two histories: address changes of the same members (the state ' +
        'stays at the members), and replacements, where a member leaves ' +
        'and a new one joins. A member that left stays in the state as a ' +
        'record, so that a late launch event can never bring it back: ' +
        'with replacements the state, and so the snapshot, grows with ' +
        'every member the stream has ever seen.',
    ],
    tables: [table(figures, 'address changes'), table(figures, 'replacements')],
    notes: [
      'Without snapshots the rebuild grows with the history. With them ' +
        'it grows with the state: flat for address changes, and with the ' +
        'number of departed members for replacements. A DynamoDB item ' +
        'holds at most 400 KB; the DynamoDB snapshot store gzips the state ' +
        'and does not write a snapshot that would not fit (it answers ' +
        '"too-large"), in which case readers replay in full.',
    ],
  };
};

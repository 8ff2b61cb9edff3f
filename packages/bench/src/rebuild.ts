import {
  createRegionContext,
  DEPARTED_RETENTION_DAYS,
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
import { gzipSync } from 'node:zlib';
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

const START = Date.UTC(2026, 0, 1);

/** Event `i` of a history is seen `i` minutes after the first. */
const at = (i: number): string => new Date(START + i * 60_000).toISOString();

const idOf = (n: number): string => `i-${n.toString(16).padStart(17, '0')}`;

const joined = (i: number, n: number): MembershipEvent => ({
  type: 'MemberJoined',
  data: {
    instanceId: idOf(n),
    asgName: 'bench',
    addresses: {
      publicIpv4: `100.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`,
    },
    cause: 'true-up',
    observedAt: at(i),
  },
});

const changed = (i: number, n: number, salt: number): MembershipEvent => ({
  type: 'MemberAddressesChanged',
  data: {
    instanceId: idOf(n),
    addresses: { publicIpv4: `198.18.${salt & 255}.${n & 255}` },
    observedAt: at(i),
  },
});

const left = (i: number, n: number): MembershipEvent => ({
  type: 'MemberLeft',
  data: {
    instanceId: idOf(n),
    reason: 'terminated',
    cause: 'true-up',
    observedAt: at(i),
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
  if (i < MEMBERS) return joined(i, i);
  if (churn === 'address changes') return changed(i, i % MEMBERS, i);

  const step = i - MEMBERS;
  const round = Math.floor(step / 2);

  return step % 2 === 0 ? left(i, round) : joined(i, MEMBERS + round);
};

interface RebuildFigure {
  readonly churn: Churn;
  readonly events: number;
  readonly fullMs: number;
  readonly snapshotMs: number;
  readonly snapshotBytes: number;
  readonly gzippedBytes: number;
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

  return [...view.value.values()].reduce(
    (n, s) => n + s.members.size + s.departed.size,
    0,
  );
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
  const snapshotText = JSON.stringify(read._unsafeUnwrap() ?? {});

  return {
    churn,
    events,
    fullMs: await medianOf(() => viewOf(cluster.context('us-east-1'))),
    snapshotMs: await medianOf(() => viewOf(withSnapshots)),
    snapshotBytes: snapshotText.length,
    gzippedBytes: gzipSync(snapshotText).length,
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
    'members + departures in state',
    'snapshot size (JSON)',
    'gzipped',
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
      size(f.gzippedBytes),
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
        `after one warm-up. Events are one minute apart, so that the ` +
        `longest history spans almost two years.`,
      'Two histories: address changes of the same members (the state ' +
        'stays at the members), and replacements, where a member is ' +
        'terminated and a new one joins (720 replacements a day). A ' +
        'terminated member stays in the state as a departure, so that a ' +
        `late launch event cannot bring it back, for ` +
        `${DEPARTED_RETENTION_DAYS} days after the day it left; then the ` +
        'fold forgets it.',
    ],
    tables: [table(figures, 'address changes'), table(figures, 'replacements')],
    notes: [
      'Without snapshots the rebuild grows with the history. With them ' +
        'it grows with the state: the members and the departures of the ' +
        'retention, whatever the length of the history. A DynamoDB item ' +
        'holds at most 400 KB; the DynamoDB snapshot store gzips the state ' +
        '(the last column) ' +
        'and does not write a snapshot that would not fit (it answers ' +
        '"too-large"), in which case readers replay in full.',
    ],
  };
};

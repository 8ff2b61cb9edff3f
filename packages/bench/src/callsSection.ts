import { memoryCallRow } from './memoryCalls.js';
import { MOTO_RULES_PER_GROUP, motoCallRow } from './motoCalls.js';
import { count, ratio, say, type FigureTable, type Section } from './report.js';
import {
  MEMBER_COUNTS,
  REGION_COUNTS,
  type CallRow,
  type FlowCalls,
} from './scenario.js';

/** How long the moto part may take, in milliseconds. */
const MOTO_BUDGET_MS = 180_000;

const total = (f: FlowCalls): number => f.local + f.remote;

const head = (remarks: boolean): string[] => [
  'regions',
  'members',
  'event: local run',
  'event: runs on notice',
  'event: total',
  'event: naive',
  'ratio',
  'true-up',
  'true-up: naive',
  'ratio',
  ...(remarks ? ['remark'] : []),
];

const row = (r: CallRow, remarks: boolean): string[] => [
  String(r.regions),
  count(r.members),
  String(r.lifecycle.local),
  String(r.lifecycle.remote),
  String(total(r.lifecycle)),
  count(r.lifecycle.naive),
  ratio(r.lifecycle.naive / total(r.lifecycle)),
  String(total(r.trueUp)),
  count(r.trueUp.naive),
  ratio(r.trueUp.naive / total(r.trueUp)),
  ...(remarks ? [r.remark ?? ''] : []),
];

const callTable = (
  title: string,
  rows: readonly CallRow[],
  remarks: boolean,
): FigureTable => ({
  title,
  head: head(remarks),
  rows: rows.map((r) => row(r, remarks)),
});

const operations = (f: FlowCalls): string =>
  Object.entries(f.operations)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');

/** Every (regions, members) case, smallest first. */
const cases = (): [number, number][] =>
  MEMBER_COUNTS.flatMap((m) =>
    REGION_COUNTS.map((r): [number, number] => [r, m]),
  );

const memoryRows = async (): Promise<CallRow[]> => {
  const rows: CallRow[] = [];
  for (const [regions, members] of cases()) {
    rows.push(await memoryCallRow(regions, members));
  }

  return rows;
};

interface MotoRun {
  readonly rows: CallRow[];
  readonly skipped: string[];
}

const motoRows = async (endpoint: string): Promise<MotoRun> => {
  const started = Date.now();
  const rows: CallRow[] = [];
  const skipped: string[] = [];
  for (const [regions, members] of cases()) {
    const elapsed = Date.now() - started;
    const expected = members >= 1000 ? 45_000 : 8_000;
    if (elapsed + expected > MOTO_BUDGET_MS) {
      skipped.push(`${regions} regions x ${members} members`);
      continue;
    }
    say(`moto: ${regions} regions, ${members} members`);
    rows.push(await motoCallRow(endpoint, regions, members));
  }

  return { rows, skipped };
};

const byRegions = (rows: readonly CallRow[]): CallRow[] =>
  [...rows].sort((a, b) => a.regions - b.regions || a.members - b.members);

const breakdown = (source: string, r: CallRow | undefined): string[] =>
  r === undefined
    ? []
    : [
        `${source}, ${r.regions} regions and ${r.members} members, by ` +
          `operation. Lifecycle event: ${operations(r.lifecycle)}. ` +
          `True-up: ${operations(r.trueUp)}.`,
      ];

/** The call-count section, in memory and, when an endpoint is set, on moto. */
export const callsSection = async (
  motoEndpoint: string | undefined,
): Promise<Section> => {
  const memory = byRegions(await memoryRows());
  const moto = motoEndpoint ? await motoRows(motoEndpoint) : undefined;
  const pick = (rows: readonly CallRow[]) =>
    rows.find((r) => r.regions === 2 && r.members === 10);

  return {
    title: 'AWS calls per lifecycle event and per true-up',
    intro: CALLS_INTRO,
    tables: [
      callTable('In-memory adapters (calls of the ports)', memory, false),
      ...(moto
        ? [
            callTable(
              'moto (AWS API calls, counted by the SDK middleware)',
              byRegions(moto.rows),
              true,
            ),
          ]
        : []),
    ],
    notes: [
      ...breakdown('In memory', pick(memory)),
      ...(moto ? breakdown('On moto', pick(moto.rows)) : []),
      ...(moto ? motoNotes(moto) : [NO_MOTO]),
    ],
  };
};

const NO_MOTO =
  'The moto part did not run: SGSYNC_MOTO_ENDPOINT is not set. Run ' +
  '`bash scripts/with-moto.sh pnpm bench` to include it.';

const motoNotes = (run: MotoRun): string[] => [
  `moto refuses more than ${MOTO_RULES_PER_GROUP} inbound rules in a ` +
    `security group (AWS's default quota), so the cluster is configured ` +
    `with that quota there: from 100 members on, sgsync refuses the plan ` +
    `before any change (remark "reconcile: QuotaExceeded") and the rows ` +
    `count the observation, recording, replication and notices, without ` +
    `the rule changes. moto does not implement CompleteLifecycleAction; ` +
    `the call is made and counted, and fails.`,
  ...(run.skipped.length > 0
    ? [
        `Skipped on moto to keep the run within ` +
          `${MOTO_BUDGET_MS / 60_000} minutes: ${run.skipped.join('; ')}. ` +
          `Creating and describing a thousand instances on moto takes ` +
          `tens of seconds per case.`,
      ]
    : []),
];

const CALLS_INTRO = [
  'A cluster of N members spread evenly over 2 or 5 regions, one Auto ' +
    'Scaling group and one security group per region, one rule template. ' +
    'Every region has converged before counting starts.',
  '"Lifecycle event" is the launch of the N-th member in the first ' +
    'region: the run there (observe, record, reconcile, copy the events ' +
    "to every other region's store, notify them, complete the action), " +
    'plus the run that the notice starts in each other region (pull and ' +
    'reconcile). "True-up" is a scheduled true-up of the first region ' +
    'when nothing changed.',
  '"Naive" is the same flow if each instance were described with its ' +
    'own call: each observation costs one call for the groups plus one ' +
    'per instance, instead of one call per 200 instances. In memory, one ' +
    'observation is one port call that stands for both AWS calls.',
  'On moto only the first region has real instances (the flows never ' +
    "observe another region's group); the other regions' streams hold " +
    'their members, recorded directly.',
];

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { planCase, planOnce, RULE_COUNTS } from './planInputs.js';
import {
  count,
  ms,
  ratio,
  size,
  us,
  type FigureTable,
  type Section,
} from './report.js';

/** What one size measured. */
interface PlanFigure {
  readonly rules: number;
  readonly medianMs: number;
  readonly samples: number;
  readonly allocated: number;
  readonly collections: number;
}

const MEMORY_SCRIPT = fileURLToPath(
  new URL('./planMemory.ts', import.meta.url),
);

/** Times one size with tinybench: the median of its runs. */
const timePlan = async (rules: number): Promise<[number, number]> => {
  const input = planCase(rules);
  const bench = new Bench({
    time: rules >= 10_000 ? 0 : 1_000,
    iterations: rules >= 10_000 ? 3 : 10,
    warmupIterations: 1,
    warmupTime: 0,
  });
  bench.add(`plan ${rules}`, () => {
    planOnce(input);
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result?.state !== 'completed') throw new Error(`plan ${rules} failed`);

  return [
    result.latency.p50 ?? result.latency.mean,
    result.latency.samplesCount,
  ];
};

/** Measures the heap of one computation in a fresh process. */
const memoryOf = (
  rules: number,
): { allocated: number; collections: number } => {
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--max-semi-space-size=256',
      '--import',
      'tsx',
      MEMORY_SCRIPT,
      String(rules),
    ],
    { encoding: 'utf8' },
  );

  return JSON.parse(out.trim()) as { allocated: number; collections: number };
};

const measure = async (rules: number): Promise<PlanFigure> => {
  const [medianMs, samples] = await timePlan(rules);
  const memory = memoryOf(rules);

  return { rules, medianMs, samples, ...memory };
};

const growth = (figures: readonly PlanFigure[], i: number): string => {
  const previous = figures[i - 1];
  const current = figures[i];
  if (previous === undefined || current === undefined) return '-';
  const step = current.rules / previous.rules;

  return `${ratio(current.medianMs / previous.medianMs)} (x${step} rules)`;
};

const table = (figures: readonly PlanFigure[]): FigureTable => ({
  title: 'desiredRules + computePlan, 10 % drift',
  head: [
    'desired rules',
    'median time (ms)',
    'per rule (µs)',
    'growth in time',
    'heap allocated',
    'runs',
  ],
  rows: figures.map((f, i) => [
    count(f.rules),
    ms(f.medianMs),
    us(f.medianMs / f.rules),
    growth(figures, i),
    `${f.collections > 0 ? '≥ ' : ''}${size(f.allocated)}`,
    String(f.samples),
  ]),
});

/** The plan computation section: time, growth and heap by rule count. */
export const planSection = async (): Promise<Section> => {
  const figures: PlanFigure[] = [];
  for (const rules of RULE_COUNTS) figures.push(await measure(rules));

  return {
    title: 'Plan computation',
    intro: [
      'The core computes the desired rules from the cluster view and the ' +
        'plan from the desired and actual rules. Each case has one rule ' +
        'template and its members spread over two regions; the target ' +
        'holds 95 % of the desired rules, 5 % more managed rules of ' +
        'members that left, and ten rules of someone else, so every plan ' +
        'authorizes 5 % and revokes 5 %.',
      'Time is the median of several runs with tinybench (one warm-up ' +
        'run first). Heap allocated is the growth of the V8 heap over one ' +
        'computation, measured in a fresh process after a full collection, ' +
        'with a young generation large enough that no collection runs ' +
        'during it (a "≥" marks a size where one did): it is an upper ' +
        'bound of the peak, since it counts garbage too.',
    ],
    tables: [table(figures)],
    notes: [
      'A growth factor near 10 for a tenfold step (5 for the last, ' +
        'fivefold step) means linear time. Canonical IPv4 host addresses ' +
        'are checked by one regular expression; before that, the general ' +
        'address parser (which tries IPv6 first) was the largest single ' +
        'cost, and a plan of 10,000 rules took about 1.1 s.',
    ],
  };
};

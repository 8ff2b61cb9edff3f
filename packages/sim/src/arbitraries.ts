import fc from 'fast-check';
import {
  MAX_REGIONS,
  MIN_REGIONS,
  describeShape,
  regionsOf,
  type ClusterShape,
} from './shape.js';
import {
  FAULT_KINDS,
  OPERATOR_RULES,
  THROTTLED_CALLS,
  describeStep,
  type FaultKind,
  type Invocation,
  type Step,
} from './steps.js';

/** A cluster shape and the steps it goes through. */
export interface History {
  readonly shape: ClusterShape;
  readonly steps: readonly Step[];
}

/** What {@link historyArb} draws. */
export interface HistoryOptions {
  /** The fault kinds steps may inject (default: every kind). */
  readonly faults?: readonly FaultKind[];
  /** The fewest steps of a history (default 0). */
  readonly minSteps?: number;
  /** The most steps of a history (default 30). */
  readonly maxSteps?: number;
  /** A fixed number of regions (default: 2 to 5). */
  readonly regions?: number;
  /** A fixed quota (default: 60 mostly, sometimes 4 to 16). */
  readonly quota?: number;
}

/**
 * The shape of a cluster: 2 to 5 regions, one or two rule templates,
 * AWS's default quota of 60 (or, one time in four, a tight one of 4 to
 * 16 so that plans meet it), public IPv4 or IPv6 addresses.
 */
export const shapeArb = (
  options: Pick<HistoryOptions, 'regions' | 'quota'> = {},
): fc.Arbitrary<ClusterShape> =>
  fc.record({
    regions:
      options.regions === undefined
        ? fc.integer({ min: MIN_REGIONS, max: MAX_REGIONS })
        : fc.constant(options.regions),
    templates: fc.integer({ min: 1, max: 2 }),
    quota:
      options.quota === undefined
        ? fc.oneof(
            { arbitrary: fc.constant(60), weight: 3 },
            { arbitrary: fc.integer({ min: 4, max: 16 }), weight: 1 },
          )
        : fc.constant(options.quota),
    addressKind: fc.constantFrom('public-ipv4' as const, 'ipv6' as const),
  });

const region = fc.nat(MAX_REGIONS - 1);
const pick = fc.nat(5);

type Weighted = fc.WeightedArbitrary<Step>;

const w = (weight: number, arbitrary: fc.Arbitrary<Step>): Weighted => ({
  weight,
  arbitrary,
});

/** The steps every history has: scaling, deliveries, notices, true-ups. */
const ordinarySteps = (faults: ReadonlySet<FaultKind>): Weighted[] => {
  const late = faults.has('late-address') ? fc.boolean() : fc.constant(false);
  const deliverPick = faults.has('reorder') ? pick : fc.constant(0);

  return [
    w(5, fc.record({ kind: fc.constant('scale-out'), region, late })),
    w(3, fc.record({ kind: fc.constant('scale-in'), region, pick })),
    w(
      7,
      fc.record({ kind: fc.constant('deliver'), region, pick: deliverPick }),
    ),
    w(2, fc.record({ kind: fc.constant('notices'), region })),
    w(2, fc.record({ kind: fc.constant('true-up'), region })),
  ];
};

const invocationArb = (
  faults: ReadonlySet<FaultKind>,
): fc.Arbitrary<Invocation> =>
  fc.oneof(
    fc.record({ kind: fc.constant('deliver' as const), pick }),
    fc.record({
      kind: fc.constant(
        faults.has('duplicate') ? ('duplicate' as const) : ('deliver' as const),
      ),
      pick,
    }),
    fc.record({ kind: fc.constant('true-up' as const) }),
    fc.record({ kind: fc.constant('notices' as const) }),
  );

/** The steps of each fault kind. */
const faultSteps = (
  faults: ReadonlySet<FaultKind>,
): Record<FaultKind, Weighted[]> => ({
  unreachable: [
    w(1, fc.record({ kind: fc.constant('unreachable'), region })),
    w(1, fc.record({ kind: fc.constant('reachable'), region })),
  ],
  throttle: [
    w(
      2,
      fc.record({
        kind: fc.constant('throttle'),
        region,
        call: fc.constantFrom(...THROTTLED_CALLS),
      }),
    ),
  ],
  halfway: [w(1, fc.record({ kind: fc.constant('fail-halfway'), region }))],
  duplicate: [
    w(2, fc.record({ kind: fc.constant('duplicate'), region, pick })),
  ],
  reorder: [],
  loss: [w(1, fc.record({ kind: fc.constant('lose'), region, pick }))],
  'late-address': [
    w(2, fc.record({ kind: fc.constant('assign-address'), region, pick })),
  ],
  operator: [
    w(
      1,
      fc.record({
        kind: fc.constant('operator-add'),
        region,
        rule: fc.constantFrom(...OPERATOR_RULES),
      }),
    ),
    w(1, fc.record({ kind: fc.constant('operator-remove'), region, pick })),
  ],
  concurrent: [
    w(
      2,
      fc.record({
        kind: fc.constant('concurrent'),
        region,
        runs: fc.tuple(invocationArb(faults), invocationArb(faults)),
      }),
    ),
  ],
  direct: [
    w(
      1,
      fc.record({ kind: fc.constant('attach'), region, late: fc.boolean() }),
    ),
    w(1, fc.record({ kind: fc.constant('terminate-directly'), region, pick })),
  ],
  retry: [w(1, fc.record({ kind: fc.constant('retry'), region, pick }))],
});

/** One step, drawn among the ordinary steps and those of `faults`. */
export const stepArb = (
  faults: readonly FaultKind[] = FAULT_KINDS,
): fc.Arbitrary<Step> => {
  const chosen = new Set(faults);
  const byKind = faultSteps(chosen);

  return fc.oneof(
    ...ordinarySteps(chosen),
    ...[...chosen].flatMap((kind) => byKind[kind]),
  );
};

/**
 * A history to simulate: a cluster shape and a list of steps. Its text
 * (what fast-check prints for a counterexample) is the shape and one
 * numbered line per step.
 *
 * @example
 * ```ts
 * fc.sample(historyArb({ faults: ['loss'], maxSteps: 10 }), 1);
 * ```
 */
export const historyArb = (
  options: HistoryOptions = {},
): fc.Arbitrary<History> =>
  fc
    .record({
      shape: shapeArb(options),
      steps: fc.array(stepArb(options.faults), {
        minLength: options.minSteps ?? 0,
        maxLength: options.maxSteps ?? 30,
        size: 'max',
      }),
    })
    .map(withText);

/** Gives a history the text fast-check prints for it. */
export const withText = (history: History): History =>
  Object.defineProperty({ ...history }, fc.toStringMethod, {
    value: () => historyText(history),
    enumerable: false,
  });

/** A history as text: its shape, then one numbered line per step. */
export const historyText = (history: History): string => {
  const regions = regionsOf(history.shape);
  const lines = history.steps.map(
    (step, i) => `  ${i + 1}. ${describeStep(step, regions)}`,
  );

  return [`${describeShape(history.shape)}:`, ...lines].join('\n');
};

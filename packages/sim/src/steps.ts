import { match } from 'ts-pattern';

/**
 * The kinds of fault a history may hold. Scaling, lifecycle deliveries,
 * notices and scheduled true-ups happen in every history; each fault
 * kind adds its own steps (or, for `reorder` and `late-address`, lets
 * ordinary steps take a faulty shape).
 */
export type FaultKind =
  | 'unreachable'
  | 'throttle'
  | 'halfway'
  | 'duplicate'
  | 'reorder'
  | 'loss'
  | 'late-address'
  | 'operator'
  | 'concurrent'
  | 'direct'
  | 'retry';

/** Every fault kind, in the order reports list them. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'unreachable',
  'throttle',
  'halfway',
  'duplicate',
  'reorder',
  'loss',
  'late-address',
  'operator',
  'concurrent',
  'direct',
  'retry',
];

/** A call that a `throttle` step fails once with `Throttled`. */
export type ThrottledCall =
  | 'observe'
  | 'readStream'
  | 'appendToStream'
  | 'copyEvents'
  | 'readRules'
  | 'authorize'
  | 'revoke'
  | 'complete'
  | 'notify';

/** The calls a `throttle` step may fail. */
export const THROTTLED_CALLS: readonly ThrottledCall[] = [
  'observe',
  'readStream',
  'appendToStream',
  'copyEvents',
  'readRules',
  'authorize',
  'revoke',
  'complete',
  'notify',
];

/**
 * A rule an operator adds by hand: SSH from an office range, a port
 * open to the world, another group as the source, a copy of a member's
 * cluster rule with the operator's own description, or a rule that
 * carries sgsync's tag but not its description.
 */
export type OperatorRule =
  | 'office-ssh'
  | 'open-to-world'
  | 'group-source'
  | 'member-copy'
  | 'tagged-lookalike';

/** The operator rules, in the order arbitraries draw them. */
export const OPERATOR_RULES: readonly OperatorRule[] = [
  'office-ssh',
  'open-to-world',
  'group-source',
  'member-copy',
  'tagged-lookalike',
];

/** One run of sgsync that a step may start. */
export type Invocation =
  | { readonly kind: 'deliver'; readonly pick: number }
  | { readonly kind: 'duplicate'; readonly pick: number }
  | { readonly kind: 'true-up' }
  | { readonly kind: 'notices' };

/**
 * One step of a simulated history. `region` is an index, taken modulo
 * the number of regions; `pick` chooses among candidates (instances,
 * queued events, rules), modulo their number. A step with nothing to
 * pick from does nothing.
 */
export type Step =
  | {
      readonly kind: 'scale-out';
      readonly region: number;
      readonly late: boolean;
    }
  | {
      readonly kind: 'scale-in';
      readonly region: number;
      readonly pick: number;
    }
  | { readonly kind: 'attach'; readonly region: number; readonly late: boolean }
  | {
      readonly kind: 'terminate-directly';
      readonly region: number;
      readonly pick: number;
    }
  | { readonly kind: 'deliver'; readonly region: number; readonly pick: number }
  | {
      readonly kind: 'duplicate';
      readonly region: number;
      readonly pick: number;
    }
  | { readonly kind: 'lose'; readonly region: number; readonly pick: number }
  | { readonly kind: 'retry'; readonly region: number; readonly pick: number }
  | {
      readonly kind: 'concurrent';
      readonly region: number;
      readonly runs: readonly [Invocation, Invocation];
    }
  | { readonly kind: 'unreachable'; readonly region: number }
  | { readonly kind: 'reachable'; readonly region: number }
  | {
      readonly kind: 'throttle';
      readonly region: number;
      readonly call: ThrottledCall;
    }
  | { readonly kind: 'fail-halfway'; readonly region: number }
  | {
      readonly kind: 'operator-add';
      readonly region: number;
      readonly rule: OperatorRule;
    }
  | {
      readonly kind: 'operator-remove';
      readonly region: number;
      readonly pick: number;
    }
  | {
      readonly kind: 'assign-address';
      readonly region: number;
      readonly pick: number;
    }
  | { readonly kind: 'notices'; readonly region: number }
  | { readonly kind: 'true-up'; readonly region: number };

/** The fault kind a step injects, or undefined for an ordinary step. */
export const faultOf = (step: Step): FaultKind | undefined =>
  match(step)
    .with({ kind: 'scale-out' }, { kind: 'attach' }, (s) =>
      s.late ? 'late-address' : s.kind === 'attach' ? 'direct' : undefined,
    )
    .with({ kind: 'terminate-directly' }, () => 'direct' as const)
    .with({ kind: 'deliver' }, (s) =>
      s.pick > 0 ? ('reorder' as const) : undefined,
    )
    .with({ kind: 'duplicate' }, () => 'duplicate' as const)
    .with({ kind: 'lose' }, () => 'loss' as const)
    .with({ kind: 'retry' }, () => 'retry' as const)
    .with({ kind: 'concurrent' }, () => 'concurrent' as const)
    .with({ kind: 'unreachable' }, () => 'unreachable' as const)
    .with({ kind: 'throttle' }, () => 'throttle' as const)
    .with({ kind: 'fail-halfway' }, () => 'halfway' as const)
    .with({ kind: 'operator-add' }, { kind: 'operator-remove' }, () => {
      return 'operator' as const;
    })
    .with({ kind: 'assign-address' }, () => 'late-address' as const)
    .with(
      { kind: 'scale-in' },
      { kind: 'reachable' },
      { kind: 'notices' },
      { kind: 'true-up' },
      () => undefined,
    )
    .exhaustive();

/**
 * One line that says what a step does, with region names resolved:
 * `scale out us-east-1 (address assigned late)`.
 */
export const describeStep = (
  step: Step,
  regions: readonly string[],
): string => {
  const r = regions[step.region % regions.length] ?? `#${step.region}`;

  return match(step)
    .with({ kind: 'scale-out' }, (s) => `scale out ${r}${lateText(s.late)}`)
    .with({ kind: 'scale-in' }, (s) => `scale in ${r} (instance #${s.pick})`)
    .with(
      { kind: 'attach' },
      (s) => `attach to ${r} without hook${lateText(s.late)}`,
    )
    .with(
      { kind: 'terminate-directly' },
      (s) => `terminate instance #${s.pick} of ${r} without hook`,
    )
    .with({ kind: 'deliver' }, (s) =>
      s.pick === 0
        ? `deliver the oldest lifecycle event of ${r}`
        : `deliver lifecycle event #${s.pick} of ${r} out of order`,
    )
    .with(
      { kind: 'duplicate' },
      (s) => `deliver handled lifecycle event #${s.pick} of ${r} again`,
    )
    .with({ kind: 'lose' }, (s) => `lose lifecycle event #${s.pick} of ${r}`)
    .with(
      { kind: 'retry' },
      (s) => `Lambda retries half-done event #${s.pick} of ${r}`,
    )
    .with(
      { kind: 'concurrent' },
      (s) =>
        `at once in ${r}: ${invocationText(s.runs[0])} | ` +
        invocationText(s.runs[1]),
    )
    .with({ kind: 'unreachable' }, () => `${r} becomes unreachable`)
    .with({ kind: 'reachable' }, () => `${r} is reachable again`)
    .with({ kind: 'throttle' }, (s) => `throttle the next ${s.call} in ${r}`)
    .with({ kind: 'fail-halfway' }, () => `fail the next plan in ${r} halfway`)
    .with({ kind: 'operator-add' }, (s) => `operator adds ${s.rule} in ${r}`)
    .with(
      { kind: 'operator-remove' },
      (s) => `operator removes their rule #${s.pick} in ${r}`,
    )
    .with(
      { kind: 'assign-address' },
      (s) => `assign the late address of instance #${s.pick} in ${r}`,
    )
    .with({ kind: 'notices' }, () => `deliver the notices waiting in ${r}`)
    .with({ kind: 'true-up' }, () => `scheduled true-up in ${r}`)
    .exhaustive();
};

const lateText = (late: boolean): string =>
  late ? ' (address assigned late)' : '';

const invocationText = (run: Invocation): string =>
  match(run)
    .with({ kind: 'deliver' }, (i) => `deliver event #${i.pick}`)
    .with({ kind: 'duplicate' }, (i) => `redeliver handled event #${i.pick}`)
    .with({ kind: 'true-up' }, () => 'true-up')
    .with({ kind: 'notices' }, () => 'notices')
    .exhaustive();

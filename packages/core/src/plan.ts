import { err, ok, type Result } from 'neverthrow';
import { isSingleAddress } from './addresses.js';
import type { ManagedMarker } from './config.js';
import type { AddressFamily, QuotaExceeded, UnsafeRule } from './errors.js';
import { compareText } from './membership.js';
import {
  familyOf,
  type ActualRule,
  type Rule,
  type TargetRef,
} from './model.js';
import { compareRules, isManaged, normaliseRule, ruleKey } from './rules.js';

/** A managed rule to revoke, by the cloud's id. */
export interface Revocation {
  readonly ruleId: string;
  readonly rule: Rule;
}

/**
 * What to change on one target so that its managed rules equal the desired
 * rules: rules to authorize and managed rules to revoke, both in canonical
 * order. A plan never names an unmanaged rule.
 */
export interface Plan {
  readonly target: TargetRef;
  readonly authorize: readonly Rule[];
  readonly revoke: readonly Revocation[];
  /** The marker every authorized rule carries. */
  readonly marker: ManagedMarker;
}

/** What {@link computePlan} needs. */
export interface PlanInput {
  readonly target: TargetRef;
  readonly desired: readonly Rule[];
  readonly actual: readonly ActualRule[];
  readonly marker: ManagedMarker;
  /** Rules of one address family the target may hold. */
  readonly quota: number;
}

/**
 * Computes the plan for one target in three steps: normalise every rule to
 * one canonical source, compare on the canonical key (descriptions
 * ignored), and plan over managed rules only.
 *
 * A desired rule that an unmanaged rule already covers is not authorized
 * again (the traffic already flows, and AWS refuses duplicates). A plan
 * that would leave the target above its quota in a family it adds to is
 * refused; a plan that only revokes is never refused.
 *
 * @example
 * ```ts
 * const plan = computePlan({ target, desired, actual, marker, quota: 60 });
 * plan.map((p) => p.authorize.length);
 * ```
 */
export const computePlan = (
  input: PlanInput,
): Result<Plan, QuotaExceeded | UnsafeRule> => {
  const unsafe = input.desired.find((r) => !isSingleAddress(r.cidr));
  if (unsafe) return err(unsafeRule(input.target, unsafe.cidr));

  const plan = diff(input);
  const overQuota = quotaProblem(input, plan);

  return overQuota ? err(overQuota) : ok(plan);
};

const diff = (input: PlanInput): Plan => {
  const desiredKeys = new Set(input.desired.map(ruleKey));
  const presentKeys = new Set<string>();
  const revoke: Revocation[] = [];

  for (const actual of sortActual(input.actual, input.marker)) {
    const rule = normaliseRule(actual);
    if (rule === undefined) continue;

    const key = ruleKey(rule);
    const managed = isManaged(actual, input.marker);
    const duplicate = presentKeys.has(key);
    presentKeys.add(key);
    if (managed && (duplicate || !desiredKeys.has(key))) {
      revoke.push({ ruleId: actual.ruleId, rule });
    }
  }

  return {
    target: input.target,
    authorize: input.desired
      .filter((r) => !presentKeys.has(ruleKey(r)))
      .sort(compareRules),
    revoke: revoke.sort(compareRevocations),
    marker: input.marker,
  };
};

/** Unmanaged rules first, then by id, so that a duplicate we own goes. */
const sortActual = (
  rules: readonly ActualRule[],
  marker: ManagedMarker,
): ActualRule[] =>
  [...rules].sort(
    (a, b) =>
      Number(isManaged(a, marker)) - Number(isManaged(b, marker)) ||
      compareText(a.ruleId, b.ruleId),
  );

const compareRevocations = (a: Revocation, b: Revocation): number =>
  compareRules(a.rule, b.rule) || compareText(a.ruleId, b.ruleId);

const quotaProblem = (
  input: PlanInput,
  plan: Plan,
): QuotaExceeded | undefined => {
  for (const family of ['ipv4', 'ipv6'] as const) {
    const adds = plan.authorize.filter((r) => familyOf(r.cidr) === family);
    if (adds.length === 0) continue;

    const needed = rulesAfter(input.actual, plan, family) + adds.length;
    if (needed > input.quota) {
      return quotaExceeded(input.target, family, needed, input.quota);
    }
  }

  return undefined;
};

/**
 * The rules of a family the target keeps after the plan's revocations,
 * each counted by its weight (a prefix list counts as its maximum
 * entries). A rule of no known family counts in both.
 */
const rulesAfter = (
  actual: readonly ActualRule[],
  plan: Plan,
  family: AddressFamily,
): number => {
  const revoked = new Set(plan.revoke.map((r) => r.ruleId));

  return actual
    .filter((r) => !revoked.has(r.ruleId) && countsIn(r, family))
    .reduce((sum, r) => sum + (r.weight ?? 1), 0);
};

const countsIn = (rule: ActualRule, family: AddressFamily): boolean => {
  const own = rule.cidr === undefined ? rule.family : familyOf(rule.cidr);

  return own === undefined || own === family;
};

const quotaExceeded = (
  target: TargetRef,
  family: AddressFamily,
  needed: number,
  quota: number,
): QuotaExceeded => ({
  kind: 'QuotaExceeded',
  message:
    `${target.id} in ${target.region} would hold ${needed} ${family} ` +
    `rules; its quota is ${quota}`,
  target: target.id,
  family,
  needed,
  quota,
});

const unsafeRule = (target: TargetRef, cidr: string): UnsafeRule => ({
  kind: 'UnsafeRule',
  message: `refusing to open ${target.id} to ${cidr}: not a single address`,
  target: target.id,
  cidr,
});

/** True when the plan changes nothing. */
export const isEmptyPlan = (plan: Plan): boolean =>
  plan.authorize.length === 0 && plan.revoke.length === 0;

/**
 * The plan as canonical JSON: the same plan always gives the same bytes.
 */
export const serialisePlan = (plan: Plan): string =>
  JSON.stringify({
    target: {
      region: plan.target.region,
      kind: plan.target.kind,
      id: plan.target.id,
    },
    authorize: plan.authorize.map(ruleText),
    revoke: plan.revoke.map((r) => ({
      ruleId: r.ruleId,
      rule: ruleText(r.rule),
    })),
  });

const ruleText = (r: Rule): string =>
  `${r.protocol} ${r.fromPort}-${r.toPort} ${r.cidr}`;

/** The revocations of a plan alone: what is safe to do when adds are refused. */
export const revocationsOnly = (plan: Plan): Plan => ({
  ...plan,
  authorize: [],
});

/**
 * Splits a list into chunks of at most `size` items, in order, for APIs that
 * take a bounded number of items a call.
 */
export const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }

  return chunks;
};

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ManagedMarker } from './config.js';
import {
  familyOf,
  type ActualRule,
  type Rule,
  type TargetRef,
} from './model.js';
import {
  computePlan,
  serialisePlan,
  type Plan,
  type PlanInput,
} from './plan.js';
import { isManaged, normaliseRule, ruleKey } from './rules.js';
import { actualRuleArb, markerArb, ruleArb } from './testing/arbitraries.js';

const target: TargetRef = {
  region: 'us-east-1',
  kind: 'security-group',
  id: 'sg-00000000000000001',
};
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/** Desired rules, and actual rules that overlap them, owned or not. */
const planInputArb = (quota = UNLIMITED): fc.Arbitrary<PlanInput> =>
  markerArb().chain((marker) =>
    fc.array(ruleArb(), { maxLength: 30 }).chain((desired) => {
      const overlapping =
        desired.length > 0 ? fc.constantFrom(...desired) : ruleArb();
      const rules = fc.oneof(ruleArb(), overlapping);

      return fc
        .uniqueArray(actualRuleArb({ marker, rules }), {
          maxLength: 30,
          selector: (r) => r.ruleId,
        })
        .map((actual) => ({ target, desired, actual, marker, quota }));
    }),
  );

/** What a target holds after a plan is applied to it, new ids and all. */
const applied = (input: PlanInput, plan: Plan): ActualRule[] => {
  const revoked = new Set(plan.revoke.map((r) => r.ruleId));
  const added = plan.authorize.map((rule, i) => ({
    ruleId: `sgr-new-${i}`,
    ...rule,
    description: plan.marker.description,
    tags: {},
  }));

  return [...input.actual.filter((r) => !revoked.has(r.ruleId)), ...added];
};

const keysOf = (rules: readonly ActualRule[]): Set<string> =>
  new Set(
    rules.flatMap((r) => {
      const rule = normaliseRule(r);
      return rule ? [ruleKey(rule)] : [];
    }),
  );

const managedBy = (marker: ManagedMarker) => (r: ActualRule) =>
  isManaged(r, marker);

describe('plan properties', () => {
  it('gives the same plan, byte for byte, for the same inputs in any order', () => {
    fc.assert(
      fc.property(planInputArb(), fc.context(), (input, ctx) => {
        // arrange
        const shuffled: PlanInput = {
          ...input,
          desired: [...input.desired].reverse(),
          actual: [...input.actual].reverse(),
        };

        // act
        const a = computePlan(input)._unsafeUnwrap();
        const b = computePlan(shuffled)._unsafeUnwrap();
        ctx.log(serialisePlan(a));

        // assert
        expect(serialisePlan(a)).toBe(serialisePlan(b));
      }),
    );
  });

  it('brings the managed rules to the desired set and touches no other rule', () => {
    fc.assert(
      fc.property(planInputArb(), (input) => {
        // act
        const plan = computePlan(input)._unsafeUnwrap();
        const after = applied(input, plan);

        // assert: nothing left to do
        expect(
          computePlan({ ...input, actual: after })._unsafeUnwrap(),
        ).toMatchObject({ authorize: [], revoke: [] });

        // assert: every unmanaged rule is still there, unchanged
        const unmanaged = input.actual.filter(
          (r) => !isManaged(r, input.marker),
        );
        expect(after).toEqual(expect.arrayContaining(unmanaged));

        // assert: every desired rule is allowed, and only those are managed
        const desired = new Set(input.desired.map(ruleKey));
        expect([...desired].every((k) => keysOf(after).has(k))).toBe(true);
        const managed = keysOf(after.filter(managedBy(input.marker)));
        expect([...managed].every((k) => desired.has(k))).toBe(true);
      }),
    );
  });

  it('never revokes a rule without the marker', () => {
    fc.assert(
      fc.property(planInputArb(), (input) => {
        const plan = computePlan(input)._unsafeUnwrap();
        const ids = new Set(
          input.actual.filter(managedBy(input.marker)).map((r) => r.ruleId),
        );

        expect(plan.revoke.every((r) => ids.has(r.ruleId))).toBe(true);
      }),
    );
  });

  it('never plans a rule broader than one address', () => {
    const broad = fc.constantFrom('0.0.0.0/0', '::/0', '10.0.0.0/8', '::/64');
    fc.assert(
      fc.property(planInputArb(), broad, (input, cidr) => {
        // arrange
        const rule: Rule = { protocol: 'tcp', fromPort: 1, toPort: 1, cidr };

        // act
        const plan = computePlan({
          ...input,
          desired: [...input.desired, rule],
        });

        // assert
        expect(plan._unsafeUnwrapErr().kind).toBe('UnsafeRule');
      }),
    );
  });

  it('accepts a plan at its quota and refuses it at one rule less', () => {
    fc.assert(
      fc.property(planInputArb(), (input) => {
        // arrange: the most rules any family will hold after the plan
        const plan = computePlan(input)._unsafeUnwrap();
        const needed = neededByFamily(applied(input, plan), plan);
        fc.pre(needed > 0);

        // act
        const atQuota = computePlan({ ...input, quota: needed });
        const below = computePlan({ ...input, quota: needed - 1 });

        // assert
        expect(atQuota.isOk()).toBe(true);
        expect(below._unsafeUnwrapErr()).toMatchObject({
          kind: 'QuotaExceeded',
          needed,
          quota: needed - 1,
        });
      }),
    );
  });
});

/**
 * The largest count of rules, over the families the plan adds to, that
 * the target holds after the plan; rules without an address range count
 * in both families.
 */
const neededByFamily = (after: readonly ActualRule[], plan: Plan): number => {
  const families = new Set(plan.authorize.map((r) => familyOf(r.cidr)));

  return Math.max(
    0,
    ...[...families].map(
      (family) =>
        after.filter((r) => r.cidr === undefined || familyOf(r.cidr) === family)
          .length,
    ),
  );
};

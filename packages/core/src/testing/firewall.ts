import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagedMarker } from '../config.js';
import type { ActualRule, Rule, TargetRef } from '../model.js';
import { computePlan, type Plan } from '../plan.js';
import { compareRules, isManaged, normaliseRule } from '../rules.js';
import type { FirewallHarness, ForeignRule } from './harness.js';
import { errOf, okOf } from './results.js';

/** The marker the firewall contract plans with. */
export const CONTRACT_MARKER: ManagedMarker = {
  description: 'sgsync:contract',
  tagKey: 'sgsync:cluster',
  tagValue: 'contract',
};

/**
 * The contract every `FirewallTarget` adapter passes: plans from core's
 * `computePlan` are applied exactly, owned rules carry the marker, rules
 * of others are never touched, and a target that changed behind the plan
 * fails with `Stale`.
 *
 * @example
 * ```ts
 * firewallContract('InMemoryFirewall', async () => inMemoryFirewall());
 * ```
 */
export const firewallContract = (
  adapterName: string,
  setup: () => Promise<FirewallHarness>,
): void => {
  describe(adapterName, () => {
    let harness: FirewallHarness;
    const h = () => harness;

    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.cleanup?.();
    });

    applying(h);
    foreignRules(h);
    staleness(h);
  });
};

type Get = () => FirewallHarness;

const tcp = (cidr: string, fromPort = 7000, toPort = 7001): Rule => ({
  protocol: 'tcp',
  fromPort,
  toPort,
  cidr,
});

const managedRules = async (
  h: FirewallHarness,
  target: TargetRef,
): Promise<ActualRule[]> =>
  (await okOf(h.firewall.readRules(target))).filter((r) =>
    isManaged(r, CONTRACT_MARKER),
  );

const managedSet = async (
  h: FirewallHarness,
  target: TargetRef,
): Promise<Rule[]> =>
  (await managedRules(h, target))
    .flatMap((r) => normaliseRule(r) ?? [])
    .sort(compareRules);

const planFor = async (
  h: FirewallHarness,
  target: TargetRef,
  desired: readonly Rule[],
): Promise<Plan> => {
  const actual = await okOf(h.firewall.readRules(target));
  const plan = computePlan({
    target,
    desired,
    actual,
    marker: CONTRACT_MARKER,
    quota: 60,
  });
  if (plan.isErr()) throw new Error(plan.error.message);

  return plan.value;
};

const converge = async (
  h: FirewallHarness,
  target: TargetRef,
  desired: readonly Rule[],
): Promise<Plan> => {
  const plan = await planFor(h, target, desired);
  await okOf(h.firewall.applyPlan(plan));

  return plan;
};

const sorted = (rules: readonly Rule[]): Rule[] =>
  [...rules].sort(compareRules);

const applying = (h: Get): void => {
  it('reads no managed rules on a new target', async () => {
    const target = await h().newTarget();

    expect(await managedRules(h(), target)).toStrictEqual([]);
  });

  it('authorizes a plan with the marker on every new rule', async () => {
    const target = await h().newTarget();
    const desired = [tcp('203.0.113.10/32'), tcp('203.0.113.11/32', 9042)];

    const plan = await planFor(h(), target, desired);
    const outcome = await okOf(h().firewall.applyPlan(plan));
    const rules = await managedRules(h(), target);

    expect(outcome).toMatchObject({ authorized: 2, revoked: 0 });
    expect(outcome.calls).toBeGreaterThanOrEqual(1);
    expect(rules).toHaveLength(2);
    for (const rule of rules) expectMarked(rule);
  });

  it('reads the desired set back, so the next plan is empty', async () => {
    const target = await h().newTarget();
    const desired = [tcp('203.0.113.20/32'), tcp('203.0.113.21/32')];

    await converge(h(), target, desired);
    const again = await planFor(h(), target, desired);

    expect(await managedSet(h(), target)).toStrictEqual(sorted(desired));
    expect(again.authorize).toStrictEqual([]);
    expect(again.revoke).toStrictEqual([]);
  });

  it('revokes only the rules the plan names', async () => {
    const target = await h().newTarget();
    const a = tcp('203.0.113.30/32');
    const b = tcp('203.0.113.31/32');
    const c = tcp('203.0.113.32/32');
    await converge(h(), target, [a, b]);

    const plan = await planFor(h(), target, [a, c]);
    const outcome = await okOf(h().firewall.applyPlan(plan));

    expect(plan.revoke.map((r) => r.rule)).toStrictEqual([b]);
    expect(outcome).toMatchObject({ authorized: 1, revoked: 1 });
    expect(await managedSet(h(), target)).toStrictEqual(sorted([a, c]));
  });

  it('authorizes and revokes IPv6 /128 rules', async () => {
    const target = await h().newTarget();
    const v6 = [tcp('2001:db8::7/128'), tcp('2001:db8:0:1::8/128')];
    const v4 = tcp('203.0.113.40/32');

    await converge(h(), target, [...v6, v4]);
    const added = await managedSet(h(), target);
    await converge(h(), target, [v4]);

    expect(added).toStrictEqual(sorted([...v6, v4]));
    expect(await managedSet(h(), target)).toStrictEqual([v4]);
  });

  it('fails with NotFound when the target does not exist', async () => {
    const missing: TargetRef = {
      region: h().region,
      kind: 'security-group',
      id: 'sg-0ffffffffffffff0f',
    };

    const error = await errOf(h().firewall.readRules(missing));

    expect(error.kind).toBe('NotFound');
  });
};

const expectMarked = (rule: ActualRule): void => {
  expect(rule.ruleId).toMatch(/^sgr-[0-9a-f]+$/);
  expect(rule.description).toBe(CONTRACT_MARKER.description);
  if (Object.keys(rule.tags).length > 0) {
    expect(rule.tags[CONTRACT_MARKER.tagKey]).toBeTruthy();
  }
};

const FOREIGN: ForeignRule = {
  protocol: 'tcp',
  fromPort: 7000,
  toPort: 7001,
  cidr: '198.51.100.50/32',
  description: 'office VPN',
};

const foreignRules = (h: Get): void => {
  it('never plans to revoke a foreign rule and leaves it in place', async () => {
    const target = await h().newTarget();
    await h().addForeignRule(target, FOREIGN);
    await h().addForeignRule(target, { ...FOREIGN, cidr: '198.51.100.0/24' });
    await h().addForeignRule(target, {
      protocol: 'tcp',
      fromPort: 7000,
      toPort: 7001,
      cidr: '198.51.100.51/32',
    });

    const plans = [
      await converge(h(), target, [tcp('203.0.113.60/32')]),
      await converge(h(), target, []),
      await converge(h(), target, [tcp('2001:db8::60/128')]),
      await converge(h(), target, []),
    ];
    const left = (await okOf(h().firewall.readRules(target))).flatMap(
      (r) => normaliseRule(r) ?? [],
    );

    const revoked = plans.flatMap((p) => p.revoke.map((r) => r.rule.cidr));
    expect(revoked).not.toContain(FOREIGN.cidr);
    expect(revoked).not.toContain('198.51.100.0/24');
    expect(revoked).not.toContain('198.51.100.51/32');
    expect(left.map((r) => r.cidr).sort()).toStrictEqual([
      '198.51.100.0/24',
      '198.51.100.50/32',
      '198.51.100.51/32',
    ]);
  });

  it('does not authorize what a foreign rule already allows', async () => {
    const target = await h().newTarget();
    await h().addForeignRule(target, FOREIGN);

    const plan = await converge(h(), target, [tcp(FOREIGN.cidr)]);

    expect(plan.authorize).toStrictEqual([]);
    expect(await managedRules(h(), target)).toStrictEqual([]);
  });
};

const staleness = (h: Get): void => {
  it('fails with Stale when a rule to authorize already exists', async () => {
    const target = await h().newTarget();
    const plan = await planFor(h(), target, [tcp('203.0.113.70/32')]);
    await okOf(h().firewall.applyPlan(plan));

    const error = await errOf(h().firewall.applyPlan(plan));

    expect(error).toMatchObject({ kind: 'Stale', target: target.id });
  });

  it('fails with Stale when a rule to revoke is already gone', async () => {
    const target = await h().newTarget();
    await converge(h(), target, [tcp('203.0.113.80/32')]);
    const plan = await planFor(h(), target, []);
    const ids = plan.revoke.map((r) => r.ruleId);
    for (const id of ids) await h().removeRule(target, id);

    const error = await errOf(h().firewall.applyPlan(plan));

    expect(ids).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'Stale', target: target.id });
  });
};

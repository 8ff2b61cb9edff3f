import {
  computePlan,
  desiredRules,
  type ActualRule,
  type ClusterConfig,
  type ClusterView,
  type MemberRecord,
  type MembershipState,
  type Plan,
  type Rule,
} from '@sgsync/core';
import { benchConfig } from './scenario.js';

/** Rule counts the plan is timed at. */
export const RULE_COUNTS = [10, 100, 1_000, 10_000, 50_000] as const;

/** Everything one plan computation takes, built ahead of the timing. */
export interface PlanCase {
  readonly config: ClusterConfig;
  readonly view: ClusterView;
  readonly actual: readonly ActualRule[];
}

/** A dotted quad for number `n`, in 100.64.0.0/10 and up. */
const address = (prefix: number, n: number): string =>
  `${prefix}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

const stateOf = (first: number, count: number): MembershipState => {
  const members = new Map<string, MemberRecord>();
  for (let n = first; n < first + count; n += 1) {
    const instanceId = `i-${n.toString(16).padStart(17, '0')}`;
    members.set(instanceId, {
      instanceId,
      asgName: 'bench',
      addresses: { publicIpv4: address(100, n) },
    });
  }

  return { version: count, members, departed: new Map() };
};

const actualRule = (
  config: ClusterConfig,
  rule: Rule,
  id: number,
): ActualRule => ({
  ruleId: `sgr-${id.toString(16).padStart(17, '0')}`,
  protocol: rule.protocol,
  fromPort: rule.fromPort,
  toPort: rule.toPort,
  cidr: rule.cidr,
  description: config.marker.description,
  tags: { [config.marker.tagKey]: config.cluster },
});

/**
 * A case of `rules` desired rules (one template, members spread over two
 * regions) against a target with 10 % drift: 5 % of the desired rules
 * are missing, 5 % more managed rules belong to members that left, and
 * ten rules are someone else's.
 */
export const planCase = (rules: number): PlanCase => {
  const config = benchConfig({ regions: 2, rulesPerGroup: 1000 });
  const half = Math.ceil(rules / 2);
  const view: ClusterView = new Map([
    ['us-east-1', stateOf(0, half)],
    ['eu-west-1', stateOf(half, rules - half)],
  ]);
  const desired = desiredRules(config, view);
  const kept = desired.filter((_, i) => i % 20 !== 0);
  const stale = Array.from({ length: Math.ceil(rules / 20) }, (_, n) => ({
    ...desired[0],
    cidr: `${address(203, n)}/32`,
  })) as Rule[];
  const managed = [...kept, ...stale].map((r, i) => actualRule(config, r, i));
  const foreign = Array.from({ length: 10 }, (_, n) => ({
    ...actualRule(
      config,
      { ...desired[0], cidr: `192.0.2.${n}/32` } as Rule,
      1e7 + n,
    ),
    description: 'office VPN',
    tags: {},
  }));

  return { config, view, actual: [...managed, ...foreign] };
};

/** The work that is timed: the desired rules, then the plan. */
export const planOnce = (c: PlanCase): Plan => {
  const desired = desiredRules(c.config, c.view);
  const plan = computePlan({
    target: { region: 'us-east-1', kind: 'security-group', id: 'sg-bench' },
    desired,
    actual: c.actual,
    marker: c.config.marker,
    quota: Number.MAX_SAFE_INTEGER,
  });
  if (plan.isErr()) throw new Error(plan.error.message);

  return plan.value;
};

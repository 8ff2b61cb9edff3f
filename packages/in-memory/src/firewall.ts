import {
  canonicalCidr,
  familyOf,
  isSingleAddress,
  normaliseRule,
  ruleKey,
  type ActualRule,
  type AddressFamily,
  type ApplyOutcome,
  type FirewallTarget,
  type Plan,
  type Protocol,
  type Revocation,
  type Rule,
  type SgsyncError,
  type TargetRef,
} from '@sgsync/core';
import { err, ok, okAsync, type Result, type ResultAsync } from 'neverthrow';
import type { Operation } from './faults.js';
import { InMemoryWorld } from './world.js';

/** What an in-memory firewall is built with. */
export interface InMemoryFirewallOptions {
  readonly region: string;
  readonly world?: InMemoryWorld;
  /** Inbound rules a group may hold per address family (AWS: 60). */
  readonly rulesPerGroup?: number;
}

/**
 * A rule added behind sgsync's back: an address range, or (without
 * `cidr`) another source: a security group (`sourceGroupId`), or a
 * prefix list, modelled by its `family` and `weight` (its maximum
 * entries, which is what it counts as against the limit).
 */
export interface OutOfBandRule {
  readonly protocol: Protocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr?: string;
  readonly sourceGroupId?: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** The family a rule without `cidr` counts in; absent, both. */
  readonly family?: AddressFamily;
  /** How many rules it counts as (default 1). */
  readonly weight?: number;
}

type Group = Map<string, ActualRule>;

/**
 * The security groups of one region, in memory. Rule ids are `sgr-` and
 * a counter of the world, so runs are repeatable. It fails as EC2 does:
 * authorizing a rule that exists fails the whole call with `Stale`
 * (`InvalidPermission.Duplicate`), revoking a rule id that is gone fails
 * with `Stale` (`InvalidSecurityGroupRuleId.NotFound`), going over the
 * rules-per-group limit fails with `QuotaExceeded`, and an unknown group
 * is `NotFound`. As a tripwire for simulations it also refuses, with
 * `UnsafeRule`, any rule broader than one address, which EC2 would take.
 *
 * @example
 * ```ts
 * const firewall = new InMemoryFirewall({ region: 'us-east-1' });
 * const target = firewall.createGroup('sg-0123456789abcdef0');
 * firewall.addRule(target.id, { protocol: 'tcp', fromPort: 22,
 *   toPort: 22, cidr: '198.51.100.0/24', description: 'office' });
 * ```
 */
export class InMemoryFirewall implements FirewallTarget {
  readonly region: string;
  readonly rulesPerGroup: number;
  private readonly world: InMemoryWorld;
  private readonly groups = new Map<string, Group>();

  constructor(options: InMemoryFirewallOptions) {
    this.region = options.region;
    this.world = options.world ?? new InMemoryWorld();
    this.rulesPerGroup = options.rulesPerGroup ?? 60;
  }

  /** Creates an empty security group, with the given id or a new one. */
  createGroup(id: string = this.world.nextId('sg')): TargetRef {
    if (!this.groups.has(id)) this.groups.set(id, new Map());

    return { region: this.region, kind: 'security-group', id };
  }

  /** Adds a rule out of band, without faults or checks; returns its id. */
  addRule(groupId: string, rule: OutOfBandRule): string {
    const ruleId = this.world.nextId('sgr');
    const cidr = rule.cidr === undefined ? undefined : canonicalCidr(rule.cidr);
    this.groupOf(groupId).set(ruleId, {
      ruleId,
      protocol: rule.protocol,
      fromPort: rule.fromPort,
      toPort: rule.toPort,
      cidr: cidr ?? rule.cidr,
      description: rule.description,
      tags: { ...rule.tags },
      ...(rule.family === undefined ? {} : { family: rule.family }),
      ...(rule.weight === undefined ? {} : { weight: rule.weight }),
    });

    return ruleId;
  }

  /** Removes a rule out of band; false when it was not there. */
  removeRule(groupId: string, ruleId: string): boolean {
    return this.groupOf(groupId).delete(ruleId);
  }

  /** Every rule of a group, by id, read without faults or counting. */
  rulesOf(groupId: string): ActualRule[] {
    return [...this.groupOf(groupId).values()]
      .map((r) => structuredClone(r))
      .sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1));
  }

  /** Every inbound rule of the target. */
  readRules(
    target: TargetRef,
  ): ResultAsync<readonly ActualRule[], SgsyncError> {
    return this.call('readRules', () =>
      this.find(target).map(() => this.rulesOf(target.id)),
    );
  }

  /**
   * Revokes in one call, then authorizes in another, as the EC2 adapter
   * does: the rules of departed members make room before new ones are
   * counted against the limit, so that a plan the core found within the
   * quota is never refused here.
   */
  applyPlan(plan: Plan): ResultAsync<ApplyOutcome, SgsyncError> {
    const revoking =
      plan.revoke.length === 0
        ? okAsync<number, SgsyncError>(0)
        : this.call('revoke', () => this.revoke(plan.target, plan.revoke)).map(
            () => 1,
          );

    return revoking.andThen((calls) =>
      plan.authorize.length === 0
        ? okAsync(outcome(plan, calls))
        : this.call('authorize', () => this.authorize(plan)).map(() =>
            outcome(plan, calls + 1),
          ),
    );
  }

  private call<T>(
    operation: Operation,
    work: () => Result<T, SgsyncError>,
  ): ResultAsync<T, SgsyncError> {
    return this.world.run(
      { region: this.region, service: 'firewall', operation },
      work,
    );
  }

  private groupOf(groupId: string): Group {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`no security group ${groupId}`);

    return group;
  }

  private find(target: TargetRef): Result<Group, SgsyncError> {
    const group =
      target.region === this.region ? this.groups.get(target.id) : undefined;

    return group
      ? ok(group)
      : err({
          kind: 'NotFound',
          message: `security group ${target.id} does not exist in ${this.region}`,
          resource: target.id,
        });
  }

  private authorize(plan: Plan): Result<void, SgsyncError> {
    return this.find(plan.target).andThen((group) => {
      const problem =
        unsafe(plan) ?? duplicate(group, plan) ?? this.overLimit(group, plan);
      if (problem) return err(problem);

      for (const rule of plan.authorize) this.addManaged(group, plan, rule);
      return ok(undefined);
    });
  }

  private addManaged(group: Group, plan: Plan, rule: Rule): void {
    const ruleId = this.world.nextId('sgr');
    const { description, tagKey, tagValue } = plan.marker;
    group.set(ruleId, {
      ruleId,
      ...rule,
      description,
      tags: { [tagKey]: tagValue },
    });
  }

  private overLimit(group: Group, plan: Plan): SgsyncError | undefined {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const adds = plan.authorize.filter((r) => familyOf(r.cidr) === family);
      const needed = countFamily(group, family) + adds.length;
      if (adds.length > 0 && needed > this.rulesPerGroup) {
        return limitExceeded(plan.target, family, needed, this.rulesPerGroup);
      }
    }

    return undefined;
  }

  private revoke(
    target: TargetRef,
    revocations: readonly Revocation[],
  ): Result<void, SgsyncError> {
    return this.find(target).andThen((group) => {
      const gone = revocations.find((r) => !group.has(r.ruleId));
      if (gone) {
        return err(
          stale(target, 'InvalidSecurityGroupRuleId.NotFound', gone.ruleId),
        );
      }

      for (const r of revocations) group.delete(r.ruleId);
      return ok(undefined);
    });
  }
}

const outcome = (plan: Plan, calls: number): ApplyOutcome => ({
  authorized: plan.authorize.length,
  revoked: plan.revoke.length,
  calls,
});

const unsafe = (plan: Plan): SgsyncError | undefined => {
  const broad = plan.authorize.find((r) => !isSingleAddress(r.cidr));

  return broad
    ? {
        kind: 'UnsafeRule',
        message: `refusing to open ${plan.target.id} to ${broad.cidr}`,
        target: plan.target.id,
        cidr: broad.cidr,
      }
    : undefined;
};

const duplicate = (group: Group, plan: Plan): SgsyncError | undefined => {
  const keys = new Set(
    [...group.values()].flatMap((r) => {
      const rule = normaliseRule(r);
      return rule ? [ruleKey(rule)] : [];
    }),
  );
  for (const rule of plan.authorize) {
    const key = ruleKey(rule);
    if (keys.has(key)) {
      return stale(plan.target, 'InvalidPermission.Duplicate', key);
    }
    keys.add(key);
  }

  return undefined;
};

/**
 * The rules of a family a group holds, each by its weight, as EC2 counts
 * them: a rule of no known family counts in both.
 */
const countFamily = (group: Group, family: AddressFamily): number =>
  [...group.values()]
    .filter((r) => {
      const own = r.cidr === undefined ? r.family : familyOf(r.cidr);
      return own === undefined || own === family;
    })
    .reduce((sum, r) => sum + (r.weight ?? 1), 0);

const stale = (target: TargetRef, code: string, what: string): SgsyncError => ({
  kind: 'Stale',
  message: `${target.id} changed since it was read: ${code} (${what})`,
  target: target.id,
  code,
});

const limitExceeded = (
  target: TargetRef,
  family: AddressFamily,
  needed: number,
  quota: number,
): SgsyncError => ({
  kind: 'QuotaExceeded',
  message:
    `RulesPerSecurityGroupLimitExceeded: ${target.id} would hold ` +
    `${needed} ${family} rules; the limit is ${quota}`,
  target: target.id,
  family,
  needed,
  quota,
});

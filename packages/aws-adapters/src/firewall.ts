import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  paginateDescribeManagedPrefixLists,
  paginateDescribeSecurityGroupRules,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
  type ManagedPrefixList,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import {
  familyOf,
  isSingleAddress,
  type ActualRule,
  type AddressFamily,
  type ApplyOutcome,
  type FirewallTarget,
  type Plan,
  type Protocol,
  type Rule,
  type SgsyncError,
  type TargetRef,
} from '@sgsync/core';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import {
  errorCode,
  errorMessage,
  notFound,
  translateCommonError,
  whereOf,
  type CallSite,
} from './sdk-errors.js';

/** What {@link Ec2SecurityGroupFirewall} needs. */
export interface Ec2SecurityGroupFirewallOptions {
  readonly client: EC2Client;
  readonly region: string;
  /**
   * Inbound rules a group may hold per address family (default 60), for
   * the error when AWS refuses a rule for the group's quota.
   */
  readonly quota?: number;
}

/** Rules per DescribeSecurityGroupRules page (the API allows 5 to 1000). */
const PAGE_SIZE = 1000;

/** The default quota of inbound rules per group and family. */
const DEFAULT_QUOTA = 60;

/** Lists per DescribeManagedPrefixLists page (the API allows 1 to 100). */
const PREFIX_LISTS_PER_PAGE = 100;

/** Rule ids per RevokeSecurityGroupIngress call. */
const REVOKE_BATCH = 1000;

/**
 * The firewall target port on EC2 security groups.
 *
 * Reads every inbound rule of a group with DescribeSecurityGroupRules
 * (filtered by group, paginated). Applies a plan with as few calls as it
 * allows: one RevokeSecurityGroupIngress by rule ids, and one
 * AuthorizeSecurityGroupIngress whose permissions group the new rules by
 * protocol and ports, each address range carrying the marker description,
 * and every new rule tagged `marker.tagKey` = `marker.tagValue`. EC2 applies
 * one call all or nothing.
 *
 * A duplicate or a vanished rule fails with `Stale` so that the caller
 * re-reads and re-plans; a full group with `QuotaExceeded`. Any CIDR
 * broader than one address is refused before any call, as `UnsafeRule`.
 *
 * @example
 * ```ts
 * const firewall = new Ec2SecurityGroupFirewall({
 *   client: new EC2Client({ region: 'eu-west-1' }),
 *   region: 'eu-west-1',
 * });
 * const rules = await firewall.readRules(target);
 * ```
 */
export class Ec2SecurityGroupFirewall implements FirewallTarget {
  readonly #options: Ec2SecurityGroupFirewallOptions;

  constructor(options: Ec2SecurityGroupFirewallOptions) {
    this.#options = options;
  }

  /**
   * Every inbound rule of the group, managed or not. When rules reference
   * managed prefix lists, one more call (DescribeManagedPrefixLists, for
   * all of them) gives each such rule its weight and family.
   */
  readRules(
    target: TargetRef,
  ): ResultAsync<readonly ActualRule[], SgsyncError> {
    const site = this.#site(target.id, 'DescribeSecurityGroupRules');

    return ResultAsync.fromPromise(this.#describe(target.id), (error) =>
      translateFirewallError(error, site),
    ).andThen((rules) =>
      this.#prefixLists(target.id, rules).map((lists) =>
        rules.map((rule) => toActualRule(rule, lists)),
      ),
    );
  }

  /** Revokes, then authorizes, what the plan says. */
  applyPlan(plan: Plan): ResultAsync<ApplyOutcome, SgsyncError> {
    const unsafe = plan.authorize.find((r) => !isSingleAddress(r.cidr));
    if (unsafe) return errAsync(unsafeRule(plan, unsafe));

    return this.#revoke(plan).andThen((revokeCalls) =>
      this.#authorize(plan).map((authorizeCalls) => ({
        authorized: plan.authorize.length,
        revoked: plan.revoke.length,
        calls: revokeCalls + authorizeCalls,
      })),
    );
  }

  /**
   * Every rule of the group. A filter on a group that does not exist
   * matches nothing, so a group with no rule at all (not even an egress
   * rule) is looked up, which fails with InvalidGroup.NotFound if it is
   * gone.
   */
  async #describe(groupId: string): Promise<SecurityGroupRule[]> {
    const pages = paginateDescribeSecurityGroupRules(
      { client: this.#options.client, pageSize: PAGE_SIZE },
      { Filters: [{ Name: 'group-id', Values: [groupId] }] },
    );
    const all: SecurityGroupRule[] = [];
    for await (const page of pages)
      all.push(...(page.SecurityGroupRules ?? []));
    if (all.length === 0) await this.#mustExist(groupId);

    return all.filter((r) => r.IsEgress !== true);
  }

  /**
   * The size and family of every prefix list the rules reference, in one
   * DescribeManagedPrefixLists call (paged by 100 lists); no call when
   * no rule references one.
   */
  #prefixLists(
    groupId: string,
    rules: readonly SecurityGroupRule[],
  ): ResultAsync<PrefixLists, SgsyncError> {
    const ids = [...new Set(rules.flatMap((r) => r.PrefixListId ?? []))];
    if (ids.length === 0) return okAsync(new Map());

    const site = this.#site(groupId, 'DescribeManagedPrefixLists');

    return ResultAsync.fromPromise(this.#describeLists(ids.sort()), (e) =>
      translateFirewallError(e, { ...site, item: itemsText(ids) }),
    );
  }

  async #describeLists(ids: readonly string[]): Promise<PrefixLists> {
    const pages = paginateDescribeManagedPrefixLists(
      { client: this.#options.client, pageSize: PREFIX_LISTS_PER_PAGE },
      { PrefixListIds: [...ids] },
    );
    const lists = new Map<string, PrefixListSize>();
    for await (const page of pages) {
      for (const list of page.PrefixLists ?? []) {
        lists.set(list.PrefixListId ?? '', sizeOf(list));
      }
    }

    return lists;
  }

  async #mustExist(groupId: string): Promise<void> {
    await this.#options.client.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
    );
  }

  #revoke(plan: Plan): ResultAsync<number, SgsyncError> {
    const ids = plan.revoke.map((r) => r.ruleId);
    const batches = chunkOf(ids, REVOKE_BATCH);
    const site = this.#site(plan.target.id, 'RevokeSecurityGroupIngress');
    const send = (batch: string[]) =>
      this.#options.client.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: plan.target.id,
          SecurityGroupRuleIds: batch,
        }),
      );

    return sequence(batches, send, (error) =>
      translateFirewallError(error, { ...site, item: itemsText(ids) }),
    );
  }

  #authorize(plan: Plan): ResultAsync<number, SgsyncError> {
    if (plan.authorize.length === 0) return okAsync(0);

    const site = this.#site(plan.target.id, 'AuthorizeSecurityGroupIngress');
    const command = new AuthorizeSecurityGroupIngressCommand({
      GroupId: plan.target.id,
      IpPermissions: ipPermissions(plan.authorize, plan.marker.description),
      TagSpecifications: [
        {
          ResourceType: 'security-group-rule',
          Tags: [{ Key: plan.marker.tagKey, Value: plan.marker.tagValue }],
        },
      ],
    });

    const limit = {
      family: familyOf((plan.authorize[0] as Rule).cidr),
      quota: this.#options.quota ?? DEFAULT_QUOTA,
    };
    const item = itemsText(plan.authorize.map(ruleText));

    return ResultAsync.fromPromise(this.#options.client.send(command), (e) =>
      translateFirewallError(e, { ...site, item }, limit),
    ).map(() => 1);
  }

  #site(resource: string, operation: string): CallSite {
    return {
      service: 'ec2',
      region: this.#options.region,
      resource,
      operation,
    };
  }
}

/**
 * The permissions of one AuthorizeSecurityGroupIngress call: one per
 * protocol and port range, with every address of that range in it.
 */
export const ipPermissions = (
  rules: readonly Rule[],
  description: string,
): IpPermission[] => {
  const byPorts = new Map<string, Rule[]>();
  for (const rule of rules) {
    const key = `${rule.protocol}|${rule.fromPort}|${rule.toPort}`;
    byPorts.set(key, [...(byPorts.get(key) ?? []), rule]);
  }

  return [...byPorts.values()].map((group) => permissionOf(group, description));
};

const permissionOf = (
  rules: readonly Rule[],
  description: string,
): IpPermission => {
  const first = rules[0] as Rule;
  const v4 = rules.filter((r) => familyOf(r.cidr) === 'ipv4');
  const v6 = rules.filter((r) => familyOf(r.cidr) === 'ipv6');

  return {
    IpProtocol: first.protocol === 'all' ? '-1' : first.protocol,
    ...(first.protocol === 'all'
      ? {}
      : { FromPort: first.fromPort, ToPort: first.toPort }),
    IpRanges: v4.map((r) => ({ CidrIp: r.cidr, Description: description })),
    Ipv6Ranges: v6.map((r) => ({
      CidrIpv6: r.cidr,
      Description: description,
    })),
  };
};

/** What the quota needs to know of a managed prefix list. */
export interface PrefixListSize {
  /** Its maximum entries: what a rule referencing it counts as. */
  readonly weight: number;
  readonly family: AddressFamily | undefined;
}

/** Prefix lists by id. */
export type PrefixLists = ReadonlyMap<string, PrefixListSize>;

/**
 * One rule as EC2 describes it, in the core's terms. A rule of a protocol
 * sgsync never creates (ICMPv6, ESP, ...) is reported with `cidr`
 * undefined, like a rule whose source is a group or a prefix list: it
 * counts against the quota and is never matched nor revoked.
 *
 * For the quota count, such a rule carries the family of its address
 * range, and a rule referencing a prefix list carries the list's family
 * and, as its weight, its maximum entries (AWS counts a reference to a
 * list of 20 maximum entries as 20 rules). A list missing from `lists`
 * counts as one rule in both families; so does a group reference.
 */
export const toActualRule = (
  rule: SecurityGroupRule,
  lists: PrefixLists = new Map(),
): ActualRule => {
  const protocol = protocolOf(rule.IpProtocol);
  const cidr = rule.CidrIpv4 ?? rule.CidrIpv6;

  return {
    ruleId: rule.SecurityGroupRuleId ?? '',
    protocol: protocol ?? 'all',
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    cidr: protocol === undefined ? undefined : cidr,
    description: rule.Description || undefined,
    tags: Object.fromEntries(
      (rule.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']),
    ),
    ...(protocol === undefined ? rangeFamily(rule) : {}),
    ...prefixListCount(rule, lists),
  };
};

/** The family of an address range sgsync does not model, if any. */
const rangeFamily = (
  rule: SecurityGroupRule,
): { readonly family?: AddressFamily } => {
  if (rule.CidrIpv4 !== undefined) return { family: 'ipv4' };

  return rule.CidrIpv6 !== undefined ? { family: 'ipv6' } : {};
};

/** The weight and family of a prefix list reference, when known. */
const prefixListCount = (
  rule: SecurityGroupRule,
  lists: PrefixLists,
): { readonly family?: AddressFamily; readonly weight?: number } => {
  const list =
    rule.PrefixListId === undefined ? undefined : lists.get(rule.PrefixListId);
  if (list === undefined) return {};

  return {
    weight: list.weight,
    ...(list.family === undefined ? {} : { family: list.family }),
  };
};

const FAMILIES: Readonly<Record<string, AddressFamily>> = {
  IPv4: 'ipv4',
  IPv6: 'ipv6',
};

/**
 * A prefix list's weight and family: it counts as its MaxEntries, as EC2
 * reports them; a list without MaxEntries counts as one rule.
 */
const sizeOf = (list: ManagedPrefixList): PrefixListSize => ({
  weight: list.MaxEntries && list.MaxEntries > 0 ? list.MaxEntries : 1,
  family: FAMILIES[list.AddressFamily ?? ''],
});

const PROTOCOLS: Readonly<Record<string, Protocol>> = {
  '-1': 'all',
  all: 'all',
  '6': 'tcp',
  tcp: 'tcp',
  '17': 'udp',
  udp: 'udp',
  '1': 'icmp',
  icmp: 'icmp',
};

/** The core's protocol, by EC2's name or number; undefined for others. */
const protocolOf = (ipProtocol: string | undefined): Protocol | undefined =>
  ipProtocol === undefined ? undefined : PROTOCOLS[ipProtocol.toLowerCase()];

const STALE_CODES = new Set([
  'InvalidPermission.Duplicate',
  'InvalidPermission.NotFound',
  'InvalidSecurityGroupRuleId.NotFound',
]);

/** Translates an EC2 exception of a security-group call. */
export const translateFirewallError = (
  error: unknown,
  site: CallSite,
  quota: { readonly family: AddressFamily; readonly quota: number } = {
    family: 'ipv4',
    quota: DEFAULT_QUOTA,
  },
): SgsyncError => {
  const code = errorCode(error);
  if (STALE_CODES.has(code)) {
    return {
      kind: 'Stale',
      message: `${whereOf(site)}: ${code}: ${errorMessage(error)}`,
      target: site.resource,
      code,
    };
  }
  if (code === 'RulesPerSecurityGroupLimitExceeded') {
    return quotaFromAws(site, error, quota);
  }
  if (code === 'InvalidGroup.NotFound' || code === 'InvalidGroupId.Malformed') {
    return notFound(site, error);
  }

  return translateCommonError(error, site);
};

/**
 * AWS says only that the group is full: the family is the one the call
 * added to, and `needed` is the least count that overflows the quota.
 */
const quotaFromAws = (
  site: CallSite,
  error: unknown,
  limit: { readonly family: AddressFamily; readonly quota: number },
): SgsyncError => ({
  kind: 'QuotaExceeded',
  message:
    `${whereOf(site)}: the group would hold more than ${limit.quota} ` +
    `${limit.family} rules: RulesPerSecurityGroupLimitExceeded: ` +
    errorMessage(error),
  target: site.resource,
  family: limit.family,
  needed: limit.quota + 1,
  quota: limit.quota,
});

const unsafeRule = (plan: Plan, rule: Rule): SgsyncError => ({
  kind: 'UnsafeRule',
  message:
    `refusing to open ${plan.target.id} in ${plan.target.region} to ` +
    `${rule.cidr}: not a single address`,
  target: plan.target.id,
  cidr: rule.cidr,
});

const ruleText = (r: Rule): string =>
  `${r.protocol} ${r.fromPort}-${r.toPort} ${r.cidr}`;

/** The items of a call, for error messages: the first five and a count. */
const itemsText = (items: readonly string[]): string =>
  items.slice(0, 5).join(', ') +
  (items.length > 5 ? `, and ${items.length - 5} more` : '');

const chunkOf = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }

  return chunks;
};

/** Sends batches one after the other; returns how many calls it made. */
const sequence = <T>(
  batches: readonly T[],
  send: (batch: T) => Promise<unknown>,
  translate: (error: unknown) => SgsyncError,
): ResultAsync<number, SgsyncError> =>
  batches.reduce<ResultAsync<number, SgsyncError>>(
    (done, batch) =>
      done.andThen((calls) =>
        ResultAsync.fromPromise(send(batch), translate).map(() => calls + 1),
      ),
    okAsync(0),
  );

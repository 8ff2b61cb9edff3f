import type { AddressFamily } from './errors.js';

/** An AWS region name, such as `us-east-1`. */
export type RegionName = string;

/** An EC2 instance id, such as `i-0123456789abcdef0`. */
export type InstanceId = string;

/**
 * The addresses of one member. Each is absent until AWS assigns it; a
 * member without the address kind the cluster uses contributes no rule.
 */
export interface Addresses {
  readonly publicIpv4?: string;
  readonly privateIpv4?: string;
  readonly ipv6?: string;
}

/** Which of a member's addresses the cluster's peers connect to. */
export type AddressKind = 'public-ipv4' | 'private-ipv4' | 'ipv6';

/**
 * Where an instance is in its Auto Scaling life, reduced to what matters
 * for membership: `launching`, `in-service` and `standby` are members;
 * `leaving` (terminating) and `gone` (terminated) have left for good;
 * `warm-pool` and `detaching` instances are not members, but may be again
 * (reused from the pool, or attached back).
 */
export type LifecycleState =
  | 'launching'
  | 'in-service'
  | 'standby'
  | 'warm-pool'
  | 'detaching'
  | 'leaving'
  | 'gone';

/** One instance of an Auto Scaling group as the membership source saw it. */
export interface ObservedInstance {
  readonly instanceId: InstanceId;
  readonly asgName: string;
  readonly state: LifecycleState;
  readonly addresses: Addresses;
  /** True when AWS has not assigned the address kind in use yet. */
  readonly addressPending: boolean;
  /**
   * False when the source could not describe the instance's addresses at
   * all (EC2 did not return it yet): its recorded addresses are kept.
   * Absent means true.
   */
  readonly addressesKnown?: boolean;
}

/** Everything one look at a region's Auto Scaling groups found. */
export interface Observation {
  readonly region: RegionName;
  readonly instances: readonly ObservedInstance[];
}

/** IP protocols a rule template may name; `all` is every protocol. */
export type Protocol = 'tcp' | 'udp' | 'icmp' | 'all';

/**
 * A protocol and port range that every member must reach on every other
 * member. For `icmp`, `fromPort` and `toPort` are the ICMP type and code
 * (-1 for all); for `all`, both are -1.
 */
export interface RuleTemplate {
  readonly protocol: Protocol;
  readonly fromPort: number;
  readonly toPort: number;
}

/** What a firewall target is: a security group or a managed prefix list. */
export type TargetKind = 'security-group';

/** A firewall target in one region. */
export interface TargetRef {
  readonly region: RegionName;
  readonly kind: TargetKind;
  /** The target's AWS id, such as `sg-0123456789abcdef0`. */
  readonly id: string;
}

/**
 * One inbound rule with exactly one source address range. The canonical
 * key of a rule ignores its description: two rules with the same key
 * allow the same traffic.
 */
export interface Rule {
  readonly protocol: Protocol;
  readonly fromPort: number;
  readonly toPort: number;
  /** A canonical CIDR: `203.0.113.7/32` or `2001:db8::1/128`. */
  readonly cidr: string;
}

/**
 * A rule that exists on a target, as the firewall target port reads it.
 * Rules whose source is not an address range (another group, a prefix
 * list) are reported with `cidr` undefined: sgsync never touches them but
 * counts them against the quota.
 */
export interface ActualRule {
  /** The cloud's id of the rule (`sgr-...`), used to revoke it. */
  readonly ruleId: string;
  readonly protocol: Protocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr: string | undefined;
  readonly description: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  /**
   * The address family a rule without `cidr` counts in, when known (a
   * prefix list's family, or an IPv4 rule of a protocol sgsync does not
   * model); absent, such a rule counts in both.
   */
  readonly family?: AddressFamily;
  /**
   * How many rules it counts as against the quota (default 1): a
   * reference to a prefix list counts as the list's maximum entries.
   */
  readonly weight?: number;
}

/** The family of a canonical CIDR. */
export const familyOf = (cidr: string): AddressFamily =>
  cidr.includes(':') ? 'ipv6' : 'ipv4';

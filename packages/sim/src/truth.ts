import {
  familyOf,
  isManaged,
  memberCidr,
  normaliseRule,
  ruleKey,
  type ActualRule,
  type AddressFamily,
  type ClusterConfig,
  type ObservedInstance,
} from '@sgsync/core';
import type { InMemoryCluster } from '@sgsync/in-memory';

/** Lifecycle states whose instances are members of the cluster. */
const MEMBER_STATES = new Set(['launching', 'in-service', 'standby']);

/** Every instance of a region's groups, as the cloud holds it. */
export const instancesIn = (
  cluster: InMemoryCluster,
  region: string,
): ObservedInstance[] => {
  const scaling = cluster.region(region).autoScaling;

  return scaling.groupNames().flatMap((asg) => scaling.instancesOf(asg));
};

/**
 * The single-address CIDRs of every instance that is a member now, in
 * every region, read from the simulated cloud (not from sgsync).
 */
export const memberCidrs = (cluster: InMemoryCluster): Set<string> =>
  new Set(
    [...cluster.regions.keys()].flatMap((region) =>
      instancesIn(cluster, region)
        .filter((i) => MEMBER_STATES.has(i.state))
        .flatMap((i) => {
          const cidr = memberCidr(i.addresses, cluster.config.addressKind);
          return cidr ? [cidr] : [];
        }),
    ),
  );

/**
 * The keys of the rules every target must hold: each rule template for
 * each member's address, computed from the instances that really run.
 */
export const desiredKeys = (
  config: ClusterConfig,
  cidrs: ReadonlySet<string>,
): Set<string> =>
  new Set(
    [...cidrs].flatMap((cidr) =>
      config.rules.map((t) => ruleKey({ ...t, cidr })),
    ),
  );

/** The security group of a region (one per region in a simulation). */
export const targetOf = (cluster: InMemoryCluster, region: string): string =>
  cluster.config.regions.find((r) => r.name === region)?.securityGroupIds[0] ??
  '';

/** Every rule of a region's target, read without faults. */
export const rulesIn = (
  cluster: InMemoryCluster,
  region: string,
): ActualRule[] =>
  cluster.region(region).firewall.rulesOf(targetOf(cluster, region));

/** The rules sgsync manages among `rules`. */
export const managedOf = (
  config: ClusterConfig,
  rules: readonly ActualRule[],
): ActualRule[] => rules.filter((r) => isManaged(r, config.marker));

/** The canonical key of an actual rule, or undefined for a group source. */
export const keyOf = (rule: ActualRule): string | undefined => {
  const normal = normaliseRule(rule);

  return normal ? ruleKey(normal) : undefined;
};

/** How many rules of a family a target holds (group sources count in both). */
export const familyCount = (
  rules: readonly ActualRule[],
  family: AddressFamily,
): number =>
  rules
    .filter((r) =>
      r.cidr === undefined
        ? r.family === undefined || r.family === family
        : familyOf(r.cidr) === family,
    )
    .reduce((n, r) => n + (r.weight ?? 1), 0);

/** The family of a rule key (its CIDR is the last field). */
export const familyOfKey = (key: string): AddressFamily =>
  familyOf(key.slice(key.lastIndexOf('|') + 1));

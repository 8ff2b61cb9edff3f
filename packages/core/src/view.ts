import { memberCidr } from './addresses.js';
import type { ClusterConfig } from './config.js';
import type { StoredEvent } from './events.js';
import { currentMembers, replay, type MembershipState } from './membership.js';
import type { RegionName, Rule } from './model.js';
import { compareRules, ruleKey } from './rules.js';

/**
 * The cluster as one region's replica knows it: the state of every
 * region's stream. A region whose stream is empty or unknown has no
 * members in the view.
 */
export type ClusterView = ReadonlyMap<RegionName, MembershipState>;

/**
 * Builds the cluster view from each region's stored events.
 *
 * @example
 * ```ts
 * const view = buildView(new Map([['us-east-1', storedEvents]]));
 * ```
 */
export const buildView = (
  streams: ReadonlyMap<RegionName, readonly StoredEvent[]>,
): ClusterView =>
  new Map(
    [...streams].map(([region, events]) => [
      region,
      replay(events.map((e) => e.event)),
    ]),
  );

/**
 * The rules every target of the cluster must hold: each rule template for
 * the address of each member of every region, one address per rule, with
 * no duplicates, in canonical order.
 */
export const desiredRules = (
  config: ClusterConfig,
  view: ClusterView,
): Rule[] => {
  const cidrs = new Set<string>();
  for (const state of view.values()) {
    for (const member of currentMembers(state)) {
      const cidr = memberCidr(member.addresses, config.addressKind);
      if (cidr) cidrs.add(cidr);
    }
  }

  const rules = new Map<string, Rule>();
  for (const cidr of cidrs) {
    for (const t of config.rules) {
      const rule: Rule = { ...t, cidr };
      rules.set(ruleKey(rule), rule);
    }
  }

  return [...rules.values()].sort(compareRules);
};

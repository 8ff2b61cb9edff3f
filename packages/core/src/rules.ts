import { canonicalCidr } from './addresses.js';
import type { ManagedMarker } from './config.js';
import { compareText } from './membership.js';
import type { ActualRule, Rule } from './model.js';

/**
 * The canonical key of a rule: protocol, ports and canonical CIDR. Two
 * rules with the same key allow the same traffic, whatever their
 * descriptions say.
 */
export const ruleKey = (rule: Rule): string =>
  `${rule.protocol}|${rule.fromPort}|${rule.toPort}|${rule.cidr}`;

/** Orders rules by protocol, ports, then CIDR text. */
export const compareRules = (a: Rule, b: Rule): number =>
  compareText(a.protocol, b.protocol) ||
  a.fromPort - b.fromPort ||
  a.toPort - b.toPort ||
  compareText(a.cidr, b.cidr);

/**
 * True when sgsync created the rule: it has the marker's description and
 * the marker's tag. Either alone is someone else's doing.
 */
export const isManaged = (rule: ActualRule, marker: ManagedMarker): boolean =>
  rule.description === marker.description &&
  rule.tags[marker.tagKey] === marker.tagValue;

/**
 * An actual rule reduced to one canonical source, or undefined when its
 * source is not an address range (a group or prefix list reference).
 */
export const normaliseRule = (rule: ActualRule): Rule | undefined => {
  const cidr = rule.cidr === undefined ? undefined : canonicalCidr(rule.cidr);
  if (cidr === undefined) return undefined;

  const ports =
    rule.protocol === 'all'
      ? { fromPort: -1, toPort: -1 }
      : { fromPort: rule.fromPort, toPort: rule.toPort };

  return { protocol: rule.protocol, ...ports, cidr };
};

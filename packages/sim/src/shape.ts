import {
  parseClusterConfig,
  type AddressKind,
  type ClusterConfig,
} from '@sgsync/core';

/**
 * The shape of a simulated cluster: how many regions (2 to 5), how many
 * rule templates (1 or 2), the rules-per-group quota and the address
 * kind of its members.
 */
export interface ClusterShape {
  readonly regions: number;
  readonly templates: number;
  readonly quota: number;
  readonly addressKind: AddressKind;
}

/** The regions a simulated cluster runs in, in this order. */
export const REGION_NAMES = [
  'us-east-1',
  'eu-west-1',
  'ap-southeast-2',
  'us-west-2',
  'sa-east-1',
] as const;

/** The fewest and most regions a simulated cluster has. */
export const MIN_REGIONS = 2;
export const MAX_REGIONS = REGION_NAMES.length;

/** The name of the simulated cluster. */
export const SIM_CLUSTER = 'sim-ring';

const TEMPLATES = [
  { protocol: 'tcp', fromPort: 7000, toPort: 7001 },
  { protocol: 'udp', fromPort: 8301, toPort: 8301 },
] as const;

/** The region names of a shape, in order. */
export const regionsOf = (shape: ClusterShape): string[] =>
  REGION_NAMES.slice(0, shape.regions);

/**
 * The cluster configuration of a shape: each region has one Auto
 * Scaling group (`sim-ring-<region>`) and one security group.
 *
 * @example
 * ```ts
 * const config = configOf({
 *   regions: 2, templates: 1, quota: 60, addressKind: 'public-ipv4',
 * });
 * config.regions.map((r) => r.name); // ['us-east-1', 'eu-west-1']
 * ```
 */
export const configOf = (shape: ClusterShape): ClusterConfig => {
  const parsed = parseClusterConfig({
    cluster: SIM_CLUSTER,
    regions: regionsOf(shape).map((name, i) => ({
      name,
      asgNames: [`${SIM_CLUSTER}-${name}`],
      securityGroupIds: [`sg-${(i + 1).toString(16).padStart(17, '0')}`],
      eventTable: 'sgsync-events',
    })),
    rules: TEMPLATES.slice(0, shape.templates),
    addressKind: shape.addressKind,
    quota: { rulesPerGroup: shape.quota },
  });
  if (parsed.isErr()) throw new Error(parsed.error.message);

  return parsed.value;
};

/** One line that describes a shape. */
export const describeShape = (shape: ClusterShape): string =>
  `${shape.regions} regions, ${shape.templates} rule template(s), ` +
  `quota ${shape.quota} rules per group, ${shape.addressKind} addresses`;

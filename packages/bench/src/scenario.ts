import {
  createRegionContext,
  parseClusterConfig,
  type ClusterConfig,
  type MembershipSource,
  type RegionContext,
  type RegionPorts,
} from '@sgsync/core';

/** The regions a benchmark cluster spans, in order; the first is local. */
export const REGIONS = [
  'us-east-1',
  'eu-west-1',
  'ap-southeast-2',
  'us-west-2',
  'sa-east-1',
] as const;

/** Cluster sizes the call counts are measured at. */
export const MEMBER_COUNTS = [1, 10, 100, 1000] as const;

/** How many regions the call counts are measured with. */
export const REGION_COUNTS = [2, 5] as const;

/** What a benchmark cluster is made of, region by region. */
export interface ClusterShape {
  readonly regions: number;
  /** Security group ids, one per region (made up in memory). */
  readonly securityGroupIds?: readonly string[];
  readonly rulesPerGroup: number;
}

/** The Auto Scaling group of a benchmark region. */
export const asgOf = (region: string): string => `bench-${region}`;

/**
 * A cluster of `shape.regions` regions, one group and one security group
 * each, and one rule template (tcp 7000-7001): one rule per member.
 */
export const benchConfig = (shape: ClusterShape): ClusterConfig =>
  parseClusterConfig({
    cluster: 'bench',
    regions: REGIONS.slice(0, shape.regions).map((name, i) => ({
      name,
      asgNames: [asgOf(name)],
      securityGroupIds: [
        shape.securityGroupIds?.[i] ??
          `sg-${(i + 1).toString(16).padStart(17, '0')}`,
      ],
      eventTable: 'sgsync-events',
    })),
    rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
    quota: { rulesPerGroup: shape.rulesPerGroup },
  })._unsafeUnwrap();

/**
 * How many of `total` members region `index` of `regions` holds: an even
 * spread, the first regions taking the remainder.
 */
export const membersIn = (
  total: number,
  regions: number,
  index: number,
): number => Math.floor(total / regions) + (index < total % regions ? 1 : 0);

/** Counts observations and the instances they saw. */
export class ObservationTally {
  observes = 0;
  instances = 0;

  /** A membership source that tallies what `source` observes. */
  wrap(source: MembershipSource): MembershipSource {
    return {
      observe: (asgNames) =>
        source.observe(asgNames).map((observation) => {
          this.observes += 1;
          this.instances += observation.instances.length;
          return observation;
        }),
    };
  }

  /** Forgets the tally. */
  reset(): void {
    this.observes = 0;
    this.instances = 0;
  }
}

/** A region's context whose observations are tallied. */
export const tallied = (
  config: ClusterConfig,
  ports: RegionPorts,
  tally: ObservationTally,
): RegionContext =>
  createRegionContext(config, {
    ...ports,
    membership: tally.wrap(ports.membership),
  })._unsafeUnwrap();

/** The calls one flow made, whole cluster. */
export interface FlowCalls {
  /** Calls of the run in the region the event happened in. */
  readonly local: number;
  /** Calls of the runs that the change notices started elsewhere. */
  readonly remote: number;
  /** The calls the naive observation would have made instead. */
  readonly naive: number;
  /** Calls by operation, for the breakdown. */
  readonly operations: Readonly<Record<string, number>>;
}

/** What a call-count scenario measured. */
export interface CallRow {
  readonly regions: number;
  readonly members: number;
  readonly lifecycle: FlowCalls;
  readonly trueUp: FlowCalls;
  /** Why the row is not what it seems, if anything. */
  readonly remark?: string;
}

import { DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import {
  createAwsRegionPorts,
  type AwsRegionPortsOptions,
} from '@sgsync/aws-adapters';
import {
  createRegionContext,
  parseClusterConfig,
  type ClusterConfig,
  type RegionContext,
} from '@sgsync/core';
import {
  createEventTable,
  createGroup,
  createSecurityGroup,
  createWatchedBus,
  fixtureClients,
} from './fixtures.js';
import { motoOptions, uniqueName } from './moto.js';

/** One region of a cluster built on moto. */
export interface RegionFixture {
  readonly name: string;
  readonly asgName: string;
  /** The group's instances when it was created. */
  readonly instanceIds: readonly string[];
  readonly securityGroupId: string;
  readonly clients: ReturnType<typeof fixtureClients>;
}

/** A cluster of real moto resources: groups, targets, tables, buses. */
export interface ClusterFixture {
  readonly config: ClusterConfig;
  readonly regions: readonly RegionFixture[];
}

/**
 * Creates, in each region, an Auto Scaling group of the given size, a
 * security group, an event table and a bus, and the cluster's config
 * (tcp 7000-7001 on public IPv4 addresses).
 */
export const createCluster = async (
  sizes: Readonly<Record<string, number>>,
): Promise<ClusterFixture> => {
  const regions: RegionFixture[] = [];
  const configRegions = [];
  for (const [name, size] of Object.entries(sizes)) {
    const clients = fixtureClients(name);
    const group = await createGroup(clients, size, name);
    const securityGroupId = await createSecurityGroup(clients.ec2);
    const eventTable = await createEventTable(clients.dynamoDb);
    const bus = await createWatchedBus(clients.eventBridge, name);
    regions.push({ name, ...group, securityGroupId, clients });
    configRegions.push({
      name,
      asgNames: [group.asgName],
      securityGroupIds: [securityGroupId],
      eventTable,
      eventBus: bus.eventBus,
    });
  }
  const config = parseClusterConfig({
    cluster: uniqueName('cluster'),
    regions: configRegions,
    rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
  })._unsafeUnwrap();

  return { config, regions };
};

/** The use-case context of one region, on AWS adapters. */
export const contextOf = (
  cluster: ClusterFixture,
  region: string,
  options: AwsRegionPortsOptions = motoOptions(),
): RegionContext =>
  createRegionContext(
    cluster.config,
    createAwsRegionPorts(cluster.config, region, options),
  )._unsafeUnwrap();

/** Every inbound rule of a group, as `cidr description` text, sorted. */
export const inboundRules = async (region: RegionFixture) => {
  const out = await region.clients.ec2.send(
    new DescribeSecurityGroupRulesCommand({
      Filters: [{ Name: 'group-id', Values: [region.securityGroupId] }],
    }),
  );

  return (out.SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
};

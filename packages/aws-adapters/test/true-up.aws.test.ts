import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { trueUp } from '@sgsync/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contextOf,
  createCluster,
  inboundRules,
  type ClusterFixture,
  type RegionFixture,
} from './support/cluster.js';
import {
  addForeignRule,
  groupInstances,
  resizeGroup,
} from './support/fixtures.js';

const FOREIGN = {
  protocol: 'tcp' as const,
  fromPort: 7000,
  toPort: 7001,
  cidr: '198.51.100.9/32',
  description: 'office VPN',
};

const publicCidrs = async (region: RegionFixture): Promise<string[]> => {
  const ids = await groupInstances(region.clients.autoScaling, region.asgName);
  const out = await region.clients.ec2.send(
    new DescribeInstancesCommand({ InstanceIds: ids }),
  );

  return (out.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .map((i) => `${i.PublicIpAddress}/32`);
};

const clusterCidrs = async (cluster: ClusterFixture): Promise<string[]> =>
  (await Promise.all(cluster.regions.map(publicCidrs))).flat().sort();

const managedCidrs = async (
  cluster: ClusterFixture,
  region: RegionFixture,
): Promise<string[]> =>
  (await inboundRules(region))
    .filter((r) => r.Description === cluster.config.marker.description)
    .map((r) => {
      expect(r).toMatchObject({
        IpProtocol: 'tcp',
        FromPort: 7000,
        ToPort: 7001,
      });
      expect(r.Tags).toContainEqual({
        Key: cluster.config.marker.tagKey,
        Value: cluster.config.cluster,
      });
      return r.CidrIpv4 ?? r.CidrIpv6 ?? '';
    })
    .sort();

const trueUpEverywhere = async (cluster: ClusterFixture) => {
  const names = cluster.regions.map((r) => r.name);
  const reports = [];
  for (const name of [...names, names[0] ?? '']) {
    reports.push(await trueUp(contextOf(cluster, name)));
  }

  return reports;
};

describe('trueUp on moto in two regions through createAwsRegionPorts', () => {
  let cluster: ClusterFixture;

  beforeAll(async () => {
    cluster = await createCluster({ 'eu-west-1': 2, 'us-east-1': 3 });
    for (const region of cluster.regions) {
      await addForeignRule(region.clients.ec2, region.securityGroupId, FOREIGN);
    }
  });

  it('converges both security groups to exactly the cluster addresses', async () => {
    const reports = await trueUpEverywhere(cluster);

    const expected = await clusterCidrs(cluster);
    expect(expected).toHaveLength(5);
    expect(reports.flatMap((r) => r.failures)).toStrictEqual([]);
    for (const region of cluster.regions) {
      expect(await managedCidrs(cluster, region)).toStrictEqual(expected);
    }
  });

  it('keeps the rule that sgsync did not create', async () => {
    for (const region of cluster.regions) {
      const foreign = (await inboundRules(region)).filter(
        (r) => r.CidrIpv4 === FOREIGN.cidr,
      );
      expect(foreign).toHaveLength(1);
      expect(foreign[0]?.Description).toBe(FOREIGN.description);
    }
  });

  it('revokes the addresses of members that left, in both regions', async () => {
    const [first] = cluster.regions;
    if (first === undefined) throw new Error('no region');
    await resizeGroup(first.clients.autoScaling, first.asgName, 1);

    const reports = await trueUpEverywhere(cluster);

    const expected = await clusterCidrs(cluster);
    expect(expected).toHaveLength(4);
    expect(reports.flatMap((r) => r.failures)).toStrictEqual([]);
    for (const region of cluster.regions) {
      expect(await managedCidrs(cluster, region)).toStrictEqual(expected);
      const cidrs = (await inboundRules(region)).map((r) => r.CidrIpv4);
      expect(cidrs).toContain(FOREIGN.cidr);
    }
  });
});

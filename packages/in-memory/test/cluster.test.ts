import {
  handleLifecycleEvent,
  memberCidr,
  parseClusterConfig,
  trueUp,
  type ClusterConfig,
} from '@sgsync/core';
import { createInMemoryCluster, type InMemoryCluster } from '@sgsync/in-memory';
import { describe, expect, it } from 'vitest';

const EAST = 'us-east-1';
const WEST = 'eu-west-1';
const EAST_SG = 'sg-0123456789abcdef0';
const WEST_SG = 'sg-0fedcba9876543210';

const config: ClusterConfig = parseClusterConfig({
  cluster: 'orders-db',
  regions: [
    {
      name: EAST,
      asgNames: ['db-use1'],
      securityGroupIds: [EAST_SG],
      eventTable: 'sgsync-events',
    },
    {
      name: WEST,
      asgNames: ['db-euw1'],
      securityGroupIds: [WEST_SG],
      eventTable: 'sgsync-events',
    },
  ],
  rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
})._unsafeUnwrap();

const cidrsOf = (cluster: InMemoryCluster, region: string, sg: string) =>
  cluster
    .region(region)
    .firewall.rulesOf(sg)
    .map((r) => r.cidr)
    .sort();

const memberCidrs = (cluster: InMemoryCluster): string[] =>
  [EAST, WEST]
    .flatMap((region) => {
      const asg = cluster.region(region).autoScaling;
      return asg.groupNames().flatMap((g) => asg.instancesOf(g));
    })
    .flatMap((i) => memberCidr(i.addresses, 'public-ipv4') ?? [])
    .sort();

const twoRegions = (): InMemoryCluster => {
  const cluster = createInMemoryCluster(config, { hooks: false });
  cluster.region(EAST).autoScaling.launch('db-use1');
  cluster.region(EAST).autoScaling.launch('db-use1');
  cluster.region(WEST).autoScaling.launch('db-euw1');

  return cluster;
};

describe('createInMemoryCluster', () => {
  it('gives every region the event store of every region', () => {
    const cluster = createInMemoryCluster(config);

    const east = cluster.region(EAST).ports.stores;
    const west = cluster.region(WEST).ports.stores;

    expect([...east.keys()].sort()).toStrictEqual([WEST, EAST].sort());
    expect(east.get(WEST)).toBe(west.get(WEST));
    expect(east.get(EAST)).toBe(cluster.region(EAST).store);
  });

  it('converges both targets after one true-up per region', async () => {
    const cluster = twoRegions();

    await trueUp(cluster.context(EAST));
    const west = await trueUp(cluster.context(WEST));
    const east = await trueUp(cluster.context(EAST));

    expect(west.failures).toStrictEqual([]);
    expect(east.failures).toStrictEqual([]);
    expect(memberCidrs(cluster)).toHaveLength(3);
    expect(cidrsOf(cluster, EAST, EAST_SG)).toStrictEqual(memberCidrs(cluster));
    expect(cidrsOf(cluster, WEST, WEST_SG)).toStrictEqual(memberCidrs(cluster));
  });

  it('notifies the other region through its inbox', async () => {
    const cluster = twoRegions();

    await trueUp(cluster.context(EAST));

    const notices = cluster.world.inboxes.drain(WEST);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      cluster: 'orders-db',
      fromRegion: EAST,
      stream: `orders-db/${EAST}`,
      version: 2,
    });
  });

  it('keeps the local region going while the other is unreachable', async () => {
    const cluster = twoRegions();
    cluster.faults.makeUnreachable(WEST);

    const cut = await trueUp(cluster.context(EAST));
    cluster.faults.heal(WEST);
    await trueUp(cluster.context(WEST));
    await trueUp(cluster.context(EAST));

    expect(cut.failures.length).toBeGreaterThan(0);
    expect(cut.failures.map((f) => f.error.kind)).toContain('Unreachable');
    expect(cidrsOf(cluster, EAST, EAST_SG)).toStrictEqual(memberCidrs(cluster));
    expect(cidrsOf(cluster, WEST, WEST_SG)).toStrictEqual(memberCidrs(cluster));
  });

  it('completes the lifecycle action of a hooked launch', async () => {
    const cluster = createInMemoryCluster(config);
    const east = cluster.region(EAST);
    const { instanceId } = east.autoScaling.launch('db-use1');
    const [event] = east.autoScaling.takeLifecycleEvents();
    if (!event) throw new Error('the launch queued no lifecycle event');

    const report = await handleLifecycleEvent(cluster.context(EAST), event);

    expect(report.lifecycle).toBe('completed');
    expect(east.lifecycle.completions().get(event.action.token)).toBe(
      'CONTINUE',
    );
    expect(east.autoScaling.instancesOf('db-use1')).toMatchObject([
      { instanceId, state: 'in-service' },
    ]);
    expect(cidrsOf(cluster, EAST, EAST_SG)).toStrictEqual(memberCidrs(cluster));
  });

  it('runs the same way twice, call for call', async () => {
    const run = async () => {
      const cluster = twoRegions();
      const reports = [
        await trueUp(cluster.context(EAST)),
        await trueUp(cluster.context(WEST)),
      ];
      return JSON.stringify({ reports, calls: cluster.calls.snapshot() });
    };

    expect(await run()).toBe(await run());
  });
});

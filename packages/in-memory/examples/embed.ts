import {
  computePlan,
  decide,
  handleLifecycleEvent,
  initialState,
  parseClusterConfig,
  trueUp,
} from '@sgsync/core';
import { createInMemoryCluster } from '@sgsync/in-memory';

const config = parseClusterConfig({
  cluster: 'orders-db',
  regions: [
    {
      name: 'us-east-1',
      asgNames: ['orders-db-use1'],
      securityGroupIds: ['sg-0123456789abcdef0'],
      eventTable: 'sgsync-events',
    },
    {
      name: 'eu-west-1',
      asgNames: ['orders-db-euw1'],
      securityGroupIds: ['sg-0fedcba9876543210'],
      eventTable: 'sgsync-events',
    },
  ],
  rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
});
if (config.isErr()) throw new Error(config.error.message);

// 1. The pure core: decide what an observation changes, plan a target.
const joined = decide(
  {
    type: 'RecordLaunch',
    instance: {
      instanceId: 'i-0123456789abcdef0',
      asgName: 'orders-db-use1',
      state: 'launching',
      addresses: { publicIpv4: '198.51.100.7' },
      addressPending: false,
    },
    observedAt: '2026-12-01T00:00:00.000Z',
  },
  initialState(),
);
const plan = computePlan({
  target: { region: 'us-east-1', kind: 'security-group', id: 'sg-1' },
  desired: [
    { protocol: 'tcp', fromPort: 7000, toPort: 7001, cidr: '198.51.100.7/32' },
  ],
  actual: [],
  marker: config.value.marker,
  quota: config.value.quota.rulesPerGroup,
});

// 2. The use cases, on ports: here the in-memory adapters of two regions.
const cluster = createInMemoryCluster(config.value);
const east = cluster.region('us-east-1');
east.autoScaling.launch('orders-db-use1');
for (const event of east.autoScaling.takeLifecycleEvents()) {
  await handleLifecycleEvent(cluster.context('us-east-1'), event);
}
await trueUp(cluster.context('eu-west-1'));

/** What the example found, for the test that runs it. */
export const outcome = {
  joined: joined.map((e) => e.type),
  planned: plan.map((p) => p.authorize.length),
  westRules: cluster
    .region('eu-west-1')
    .firewall.rulesOf('sg-0fedcba9876543210'),
};

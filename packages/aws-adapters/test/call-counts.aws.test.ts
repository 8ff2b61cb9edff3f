import { AwsCallCounter } from '@sgsync/aws-adapters';
import {
  handleLifecycleEvent,
  handleRemoteChange,
  streamName,
  trueUp,
  type RunReport,
} from '@sgsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, createCluster } from './support/cluster.js';
import { FaultProxy } from './support/fault-proxy.js';
import { addLaunchHook, resizeGroup } from './support/fixtures.js';
import { motoEndpoint, motoOptions, resetMoto } from './support/moto.js';

const EU = 'eu-west-1';
const US = 'us-east-1';

type Counts = Readonly<Record<string, number>>;

/** The calls of each flow, by operation. */
interface FlowCounts {
  readonly launch: Counts;
  readonly terminate: Counts;
  /** A true-up that finds nothing to change. */
  readonly quietTrueUp: Counts;
  /** A change notice handled in the other region. */
  readonly remoteChange: Counts;
}

const expectClean = (report: RunReport): void => {
  expect(report.failures).toStrictEqual([]);
  expect(report.lifecycle).toBe('completed');
  expect(report.recorded.length).toBeGreaterThan(0);
};

/**
 * Builds a two-region cluster whose first group has `size` instances,
 * trues it up, then counts the calls of a launch and of a termination
 * handled in the first region.
 */
const countFlows = async (
  proxy: FaultProxy,
  size: number,
): Promise<FlowCounts> => {
  const cluster = await createCluster({ [EU]: size, [US]: 1 });
  const counter = new AwsCallCounter();
  const options = motoOptions({ endpoint: proxy.endpoint, counter });
  const eu = contextOf(cluster, EU, options);
  for (const region of [EU, US, EU]) {
    await trueUp(contextOf(cluster, region, options));
  }
  const group = cluster.regions[0];
  if (group === undefined) throw new Error('no region');
  const hookName = await addLaunchHook(
    group.clients.autoScaling,
    group.asgName,
  );
  const before = new Set(group.instanceIds);

  const grown = await resizeGroup(
    group.clients.autoScaling,
    group.asgName,
    size + 1,
  );
  const launched = grown.find((id) => !before.has(id)) ?? '';
  const launch = async (
    transition: 'launching' | 'terminating',
    id: string,
  ) => {
    const token = proxy.addPendingAction(id);
    counter.reset();
    const action = { asgName: group.asgName, hookName, token, instanceId: id };
    expectClean(await handleLifecycleEvent(eu, { transition, action }));
    return counter.byOperation();
  };
  const launchCounts = await launch('launching', launched);

  const shrunk = await resizeGroup(
    group.clients.autoScaling,
    group.asgName,
    size,
  );
  const left = grown.find((id) => !shrunk.includes(id)) ?? '';
  const terminateCounts = await launch('terminating', left);

  counter.reset();
  const quiet = await trueUp(eu);
  const quietTrueUp = counter.byOperation();
  expect(quiet.failures).toStrictEqual([]);
  expect(quiet.recorded).toStrictEqual([]);

  counter.reset();
  const remote = await handleRemoteChange(contextOf(cluster, US, options), {
    cluster: cluster.config.cluster,
    fromRegion: EU,
    stream: streamName(cluster.config.cluster, EU),
    version: 0,
    sentAt: '2026-01-01T00:00:00.000Z',
  });
  const remoteChange = counter.byOperation();
  expect(remote.failures).toStrictEqual([]);

  return {
    launch: launchCounts,
    terminate: terminateCounts,
    quietTrueUp,
    remoteChange,
  };
};

const total = (counts: Readonly<Record<string, number>>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);

describe('AWS calls per flow, counted by the client middleware on moto', () => {
  let proxy: FaultProxy;
  const counts = new Map<number, FlowCounts>();

  beforeAll(async () => {
    // Starts from an empty moto, so that earlier files' instances do not
    // weigh on the 50-instance run.
    await resetMoto();
    proxy = await FaultProxy.start(motoEndpoint());
    for (const size of [1, 10, 50])
      counts.set(size, await countFlows(proxy, size));
    if (process.env['SGSYNC_PRINT_CALL_COUNTS']) {
      process.stdout.write(`${JSON.stringify(Object.fromEntries(counts))}\n`);
    }
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('costs a launch the same calls with 1, 10 and 50 instances', () => {
    const [one, ten, fifty] = [1, 10, 50].map((n) => counts.get(n)?.launch);

    expect(total(one ?? {})).toBeGreaterThan(0);
    expect(ten).toStrictEqual(one);
    expect(fifty).toStrictEqual(one);
  });

  it('costs a termination the same calls with 1, 10 and 50 instances', () => {
    const [one, ten, fifty] = [1, 10, 50].map((n) => counts.get(n)?.terminate);

    expect(total(one ?? {})).toBeGreaterThan(0);
    expect(ten).toStrictEqual(one);
    expect(fifty).toStrictEqual(one);
  });

  it.each(['quietTrueUp', 'remoteChange'] as const)(
    'costs a %s the same calls with 1, 10 and 50 instances',
    (flow) => {
      const [one, ten, fifty] = [1, 10, 50].map((n) => counts.get(n)?.[flow]);

      expect(total(one ?? {})).toBeGreaterThan(0);
      expect(ten).toStrictEqual(one);
      expect(fifty).toStrictEqual(one);
    },
  );

  it('observes a group of 50 with one DescribeInstances call', () => {
    const fifty = counts.get(50)?.launch ?? {};

    expect(fifty['EC2Client:DescribeInstancesCommand']).toBe(1);
    expect(fifty['AutoScalingClient:DescribeAutoScalingGroupsCommand']).toBe(1);
  });
});

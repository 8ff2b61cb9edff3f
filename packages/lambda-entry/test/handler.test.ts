import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { parseClusterConfig, type LifecycleSignal } from '@sgsync/core';
import { createInMemoryCluster, type InMemoryCluster } from '@sgsync/in-memory';
import { okAsync } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createHandler,
  InvocationFailed,
  lifecycleBudget,
  METRIC_NAMES,
  type HandlerDependencies,
  type InvocationResult,
} from '../src/index.js';
import {
  envOf,
  lifecycleEvent,
  noticeEvent,
  rawConfig,
  scheduledEvent,
  testNotification,
} from './fixtures.js';

const USE1 = 'us-east-1';
const EUW1 = 'eu-west-1';
const SG_USE1 = 'sg-0123456789abcdef0';
const SG_EUW1 = 'sg-0fedcba9876543210';
const BOUND_MS = 5_000;
const REMAINING_MS = 60_000;
const never = new Promise<void>(() => undefined);

const context = { getRemainingTimeInMillis: () => REMAINING_MS };

interface World {
  readonly cluster: InMemoryCluster;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly deps: HandlerDependencies;
}

/** An in-memory cluster whose delays never end: a delayed call hangs. */
const world = (env: Record<string, string> = envOf(USE1)): World => {
  const config = parseClusterConfig(rawConfig)._unsafeUnwrap();
  const cluster = createInMemoryCluster(config, { sleep: () => never });
  const logger = new Logger({ serviceName: 'sgsync', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'sgsync', serviceName: 'sgsync' });
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    metrics.clearMetrics();
    return metrics;
  });
  vi.spyOn(metrics, 'addMetric');
  const deps: HandlerDependencies = {
    env: { ...env, SGSYNC_LIFECYCLE_BOUND_MS: String(BOUND_MS) },
    portsFor: (_config, region) => cluster.region(region).ports,
    lifecycleFor: (region) => cluster.region(region).lifecycle,
    telemetry: { logger, metrics },
  };

  return { cluster, metrics, logger, deps };
};

const launchEvent = (cluster: InMemoryCluster, region = USE1) => {
  const asgName = region === USE1 ? 'db-use1' : 'db-euw1';
  const activity = cluster.region(region).autoScaling.launch(asgName);
  const action = activity.action;
  if (!action) throw new Error('the group has no launch hook');
  const event = lifecycleEvent({
    transition: 'launching',
    region,
    asgName,
    instanceId: action.instanceId,
    token: action.token,
    hookName: action.hookName,
  });

  return { event, action };
};

const cidrsOf = (cluster: InMemoryCluster, region: string, sg: string) =>
  cluster
    .region(region)
    .firewall.rulesOf(sg)
    .map((r) => r.cidr)
    .sort();

const publicCidrs = (cluster: InMemoryCluster) =>
  [USE1, EUW1]
    .flatMap((region) =>
      cluster
        .region(region)
        .autoScaling.instancesOf(region === USE1 ? 'db-use1' : 'db-euw1'),
    )
    .map((i) => `${i.addresses.publicIpv4}/32`)
    .sort();

const metricValue = (metrics: Metrics, name: string): number[] =>
  vi
    .mocked(metrics.addMetric)
    .mock.calls.filter(([metric]) => metric === name)
    .map(([, , value]) => value);

/** Settles the handler's promise while fake time goes by. */
const settle = async (
  pending: Promise<InvocationResult>,
  ms: number,
): Promise<InvocationResult> => {
  await vi.advanceTimersByTimeAsync(ms);

  return pending;
};

describe('the handler on in-memory ports', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('completes a launch with CONTINUE after opening the local group', async () => {
    // arrange
    const { cluster, metrics, deps } = world();
    const { event, action } = launchEvent(cluster);
    const handler = createHandler(deps);

    // act
    const result = await handler(event, context);

    // assert
    expect(result).toMatchObject({
      status: 'done',
      kind: 'lifecycle',
      lifecycle: 'completed',
    });
    expect(cluster.region(USE1).lifecycle.completions().get(action.token)).toBe(
      'CONTINUE',
    );
    const expected = publicCidrs(cluster);
    expect(cidrsOf(cluster, USE1, SG_USE1)).toEqual(
      expected.flatMap((c) => [c]),
    );
    expect(metricValue(metrics, METRIC_NAMES.rulesAuthorized)).toEqual([1]);
    expect(
      metricValue(metrics, METRIC_NAMES.lifecycleActionsCompleted),
    ).toEqual([1]);
  });

  it('copies the launch to the other region and notifies it', async () => {
    const { cluster, deps } = world();
    const { event } = launchEvent(cluster);

    await createHandler(deps)(event, context);

    const notices = cluster.world.inboxes.peek(EUW1);
    expect(notices).toHaveLength(1);
    const remote = createHandler({ ...deps, env: envOf(EUW1) });
    const result = await remote(
      noticeEvent({
        region: EUW1,
        fromRegion: USE1,
        version: notices[0]?.version ?? 0,
      }),
      context,
    );
    expect(result).toMatchObject({ status: 'done', kind: 'remote-change' });
    expect(cidrsOf(cluster, EUW1, SG_EUW1)).toEqual(publicCidrs(cluster));
  });

  it('completes within the bound while the other region hangs', async () => {
    // arrange
    const { cluster, deps } = world();
    cluster.faults.delay(1, { region: EUW1 });
    const { event, action } = launchEvent(cluster);
    const budget = lifecycleBudget(BOUND_MS, REMAINING_MS);
    let settled = false;

    // act
    const pending = createHandler(deps)(event, context).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(budget.remoteMs - 1);
    const settledBeforeDeadline = settled;
    const result = await settle(pending, 1);

    // assert
    expect(settledBeforeDeadline).toBe(false);
    expect(result).toMatchObject({ status: 'partial', lifecycle: 'completed' });
    expect(cluster.region(USE1).lifecycle.completions().get(action.token)).toBe(
      'CONTINUE',
    );
    expect(cidrsOf(cluster, USE1, SG_USE1)).toEqual(publicCidrs(cluster));
    expect(result.status === 'partial' && result.failures).toEqual([
      expect.objectContaining({
        step: 'replicate',
        region: EUW1,
        kind: 'Unreachable',
      }),
    ]);
  });

  it('ends a true-up before the time runs out while the other region hangs', async () => {
    // arrange
    const { cluster, deps } = world();
    cluster.region(USE1).autoScaling.attach('db-use1');
    cluster.faults.delay(1, { region: EUW1 });
    const short = { getRemainingTimeInMillis: () => 10_000 };

    // act
    const result = await settle(
      createHandler(deps)(scheduledEvent(USE1), short),
      10_000 - 3_000,
    );

    // assert
    expect(cidrsOf(cluster, USE1, SG_USE1)).toEqual(publicCidrs(cluster));
    expect(result.status === 'partial' && result.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step: 'pull', region: EUW1 }),
        expect.objectContaining({ step: 'replicate', region: EUW1 }),
      ]),
    );
  });

  it('completes directly when the local steps themselves hang', async () => {
    const { cluster, deps } = world();
    cluster.faults.delay(1, { region: USE1, service: 'firewall' });
    const { event, action } = launchEvent(cluster);
    const budget = lifecycleBudget(BOUND_MS, REMAINING_MS);

    const result = await settle(
      createHandler(deps)(event, context),
      budget.hardMs,
    );

    expect(result).toMatchObject({ status: 'partial', lifecycle: 'completed' });
    expect(cluster.region(USE1).lifecycle.completions().get(action.token)).toBe(
      'CONTINUE',
    );
  });

  it('completes the action even when the run throws', async () => {
    // arrange: a firewall whose read throws instead of returning an error
    const { cluster, deps } = world();
    const { event, action } = launchEvent(cluster);
    const throwing: HandlerDependencies = {
      ...deps,
      portsFor: (_config, region) => ({
        ...cluster.region(region).ports,
        firewall: {
          readRules: () => {
            throw new TypeError('a defect');
          },
          applyPlan: cluster.region(region).firewall.applyPlan,
        },
      }),
    };

    // act
    const result = await createHandler(throwing)(event, context);

    // assert
    expect(result).toMatchObject({ status: 'partial', lifecycle: 'completed' });
    expect(cluster.region(USE1).lifecycle.completions().get(action.token)).toBe(
      'CONTINUE',
    );
  });

  it('counts a remote failure and goes on when the other region fails', async () => {
    const { cluster, metrics, deps } = world();
    cluster.faults.makeUnreachable(EUW1);
    const { event } = launchEvent(cluster);

    const result = await createHandler(deps)(event, context);

    expect(result).toMatchObject({ status: 'partial', lifecycle: 'completed' });
    expect(metricValue(metrics, METRIC_NAMES.remoteFailures)).toEqual([2]);
  });

  it('throws so that Lambda retries when the action cannot be completed', async () => {
    const { cluster, deps } = world();
    cluster.faults.failAlways(
      {
        kind: 'Throttled',
        message: 'slow down',
        region: USE1,
        service: 'autoscaling',
      },
      { service: 'lifecycle' },
    );
    const { event } = launchEvent(cluster);

    await expect(createHandler(deps)(event, context)).rejects.toBeInstanceOf(
      InvocationFailed,
    );
  });

  it('converges both regions with one true-up each after a fault heals', async () => {
    // arrange
    const { cluster, metrics, deps } = world();
    cluster.faults.makeUnreachable(EUW1);
    await createHandler(deps)(launchEvent(cluster).event, context);
    cluster.faults.heal();
    cluster.region(EUW1).autoScaling.attach('db-euw1');
    const euw1 = createHandler({ ...deps, env: envOf(EUW1) });
    const use1 = createHandler(deps);

    // act
    await euw1(scheduledEvent(EUW1), context);
    await use1(scheduledEvent(USE1), context);

    // assert
    expect(cidrsOf(cluster, USE1, SG_USE1)).toEqual(publicCidrs(cluster));
    expect(cidrsOf(cluster, EUW1, SG_EUW1)).toEqual(publicCidrs(cluster));
    expect(metricValue(metrics, METRIC_NAMES.driftFound).length).toBe(2);
  });

  it('runs the manual true-up of a group of the region', async () => {
    const { cluster, deps } = world();
    cluster.region(USE1).autoScaling.attach('db-use1');

    const result = await createHandler(deps)(
      { detail: { AutoScalingGroupName: 'db-use1' } },
      context,
    );

    expect(result).toMatchObject({ status: 'done', kind: 'manual-true-up' });
    expect(cidrsOf(cluster, USE1, SG_USE1)).toHaveLength(1);
  });

  it('plans without changing anything', async () => {
    const { cluster, deps } = world();
    cluster.region(USE1).autoScaling.attach('db-use1');
    await createHandler(deps)(
      { detail: { AutoScalingGroupName: 'db-use1' } },
      context,
    );
    cluster
      .region(USE1)
      .firewall.rulesOf(SG_USE1)
      .forEach((r) =>
        cluster.region(USE1).firewall.removeRule(SG_USE1, r.ruleId ?? ''),
      );

    const result = await createHandler(deps)({ sgsync: 'plan' }, context);

    expect(result.status === 'done' && result.targets).toEqual([
      expect.objectContaining({ securityGroupId: SG_USE1, authorized: 1 }),
    ]);
    expect(cidrsOf(cluster, USE1, SG_USE1)).toEqual([]);
  });

  it('ignores the Auto Scaling test notification', async () => {
    const { deps } = world();

    const result = await createHandler(deps)(testNotification, context);

    expect(result).toEqual({ status: 'ignored', kind: 'test-notification' });
  });

  it('rejects a malformed event, listing every problem, and changes nothing', async () => {
    const { cluster, deps, logger } = world();
    const { event, action } = launchEvent(cluster);
    const error = vi.spyOn(logger, 'error');

    const result = await createHandler(deps)(
      {
        ...event,
        detail: { ...event.detail, EC2InstanceId: 'x', LifecycleHookName: '' },
      },
      context,
    );

    expect(result.status === 'rejected' && result.error.problems).toHaveLength(
      2,
    );
    expect(error).toHaveBeenCalledWith(
      'event rejected',
      expect.objectContaining({ error_kind: 'InputInvalid' }),
    );
    expect(cluster.region(USE1).lifecycle.statusOf(action.token)).toBe(
      'pending',
    );
    expect(cidrsOf(cluster, USE1, SG_USE1)).toEqual([]);
  });

  it.each([
    [
      'a lifecycle action of another region',
      () => lifecycleEvent({ transition: 'launching', region: EUW1 }),
    ],
    [
      'a lifecycle action of a foreign group',
      () => lifecycleEvent({ transition: 'launching', asgName: 'web' }),
    ],
    ['a notice of another cluster', () => noticeEvent({ cluster: 'other' })],
    ['a notice from its own region', () => noticeEvent({ fromRegion: USE1 })],
    [
      'a true-up of a foreign group',
      () => ({ detail: { AutoScalingGroupName: 'web' } }),
    ],
  ])('rejects %s', async (_name, event) => {
    const { deps } = world();

    const result = await createHandler(deps)(event(), context);

    expect(result.status).toBe('rejected');
  });

  it('completes the action and fails every invocation when the configuration is invalid', async () => {
    // arrange
    const { cluster, deps, logger } = world();
    const error = vi.spyOn(logger, 'error');
    const { event, action } = launchEvent(cluster);
    const handler = createHandler({
      ...deps,
      env: { AWS_REGION: USE1, SGSYNC_CONFIG: '{"cluster":"x"}' },
    });

    // act
    const launch = handler(event, context);
    const trueUp = handler(scheduledEvent(), context);

    // assert
    await expect(launch).rejects.toThrow(/SGSYNC_CONFIG.regions/);
    await expect(trueUp).rejects.toBeInstanceOf(InvocationFailed);
    expect(cluster.region(USE1).lifecycle.completions().get(action.token)).toBe(
      'CONTINUE',
    );
    expect(error).toHaveBeenCalledWith(
      'configuration invalid',
      expect.objectContaining({ error_kind: 'ConfigInvalid' }),
    );
  });

  it('builds the completion signal from the region alone when the configuration is invalid', async () => {
    const { deps } = world();
    const complete = vi.fn(() => okAsync('completed' as const));
    const signal: LifecycleSignal = {
      complete,
      heartbeat: () => okAsync(undefined),
    };
    const lifecycleFor = vi.fn(() => signal);
    const handler = createHandler({
      ...deps,
      env: { AWS_REGION: USE1 },
      lifecycleFor,
    });

    await expect(
      handler(lifecycleEvent({ transition: 'terminating' }), context),
    ).rejects.toBeInstanceOf(InvocationFailed);

    expect(lifecycleFor).toHaveBeenCalledWith(USE1);
    expect(complete).toHaveBeenCalledTimes(1);
  });
});

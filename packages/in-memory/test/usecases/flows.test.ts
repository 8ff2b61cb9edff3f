import {
  handleLifecycleEvent,
  handleRemoteChange,
  parseClusterConfig,
  DEPARTED_RETENTION_DAYS,
  planOnly,
  readLocalView,
  streamName,
  trueUp,
  type ClusterConfig,
  type LifecycleEventInput,
} from '@sgsync/core';
import { describe, expect, it } from 'vitest';
import {
  createInMemoryCluster,
  SteppingClock,
  type InMemoryCluster,
} from '../../src/index.js';

const EAST = 'us-east-1';
const WEST = 'eu-west-1';
const EAST_SG = 'sg-00000000000000e01';
const WEST_SG = 'sg-00000000000000e02';

const config = (quota = 60): ClusterConfig =>
  parseClusterConfig({
    cluster: 'flows',
    regions: [
      {
        name: EAST,
        asgNames: ['db-east'],
        securityGroupIds: [EAST_SG],
        eventTable: 'events',
      },
      {
        name: WEST,
        asgNames: ['db-west'],
        securityGroupIds: [WEST_SG],
        eventTable: 'events',
      },
    ],
    rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7000 }],
    quota: { rulesPerGroup: quota },
  })._unsafeUnwrap();

const launch = (
  cluster: InMemoryCluster,
  region = EAST,
  asg = region === EAST ? 'db-east' : 'db-west',
): LifecycleEventInput => {
  const scaling = cluster.region(region).autoScaling;
  scaling.launch(asg);
  const event = scaling.takeLifecycleEvents().at(-1);
  if (!event) throw new Error('no lifecycle event');

  return event;
};

const cidrsOf = (cluster: InMemoryCluster, region: string, sg: string) =>
  cluster
    .region(region)
    .firewall.rulesOf(sg)
    .map((r) => r.cidr)
    .sort();

const unreachable = (region: string) => ({
  kind: 'Unreachable' as const,
  message: `${region} down`,
  region,
  service: 'test',
});

describe('handleLifecycleEvent', () => {
  it('records the launch, opens both regions after the notice, and completes', async () => {
    // arrange
    const cluster = createInMemoryCluster(config());
    const event = launch(cluster);

    // act
    const report = await handleLifecycleEvent(cluster.context(EAST), event);
    for (const notice of cluster.world.inboxes.drain(WEST)) {
      await handleRemoteChange(cluster.context(WEST), notice);
    }

    // assert
    expect(report.failures).toEqual([]);
    expect(report.lifecycle).toBe('completed');
    expect(report.recorded.map((e) => e.event.type)).toEqual(['MemberJoined']);
    expect(cidrsOf(cluster, EAST, EAST_SG)).toHaveLength(1);
    expect(cidrsOf(cluster, WEST, WEST_SG)).toEqual(
      cidrsOf(cluster, EAST, EAST_SG),
    );
  });

  it('completes the action even when the local store is unreachable', async () => {
    // arrange
    const cluster = createInMemoryCluster(config());
    const event = launch(cluster);
    cluster.faults.failAlways(unreachable(EAST), {
      region: EAST,
      service: 'event-store',
    });

    // act
    const report = await handleLifecycleEvent(cluster.context(EAST), event);

    // assert
    expect(report.lifecycle).toBe('completed');
    expect(report.failures.map((f) => f.step)).toContain('record');
  });

  it('keeps a member that a stale terminate action names, while in service', async () => {
    // arrange: a terminate action for an instance the group shows in service
    const cluster = createInMemoryCluster(config());
    await handleLifecycleEvent(cluster.context(EAST), launch(cluster));
    const [member] = cluster.region(EAST).autoScaling.instancesOf('db-east');
    const stale: LifecycleEventInput = {
      transition: 'terminating',
      action: {
        asgName: 'db-east',
        hookName: 'sgsync-terminate',
        token: 'not-a-real-token',
        instanceId: member?.instanceId ?? '',
      },
    };

    // act
    const report = await handleLifecycleEvent(cluster.context(EAST), stale);

    // assert
    expect(report.recorded).toEqual([]);
    expect(cidrsOf(cluster, EAST, EAST_SG)).toHaveLength(1);
  });

  it('never re-admits a terminated instance once it is forgotten', async () => {
    // arrange: a member launched, then terminated through its hook
    const clock = new SteppingClock({ stepMs: 0 });
    const cluster = createInMemoryCluster(config(), { clock });
    const scaling = cluster.region(EAST).autoScaling;
    const firstLaunch = launch(cluster);
    await handleLifecycleEvent(cluster.context(EAST), firstLaunch);
    scaling.terminate(firstLaunch.action.instanceId);
    const [terminating] = scaling.takeLifecycleEvents();
    if (!terminating) throw new Error('no terminate event');
    await handleLifecycleEvent(cluster.context(EAST), terminating);

    // past the retention, another launch makes the fold forget it
    clock.advance((DEPARTED_RETENTION_DAYS + 1) * 24 * 60 * 60 * 1000);
    await handleLifecycleEvent(cluster.context(EAST), launch(cluster));
    const view = await readLocalView(cluster.context(EAST));
    const forgotten = !view
      ._unsafeUnwrap()
      .get(EAST)
      ?.departed.has(firstLaunch.action.instanceId);

    // act: the first launch's event delivered again
    const report = await handleLifecycleEvent(
      cluster.context(EAST),
      firstLaunch,
    );

    // assert: only the observation could admit it, and it shows no such
    // instance in the group
    expect(forgotten).toBe(true);
    expect(report.recorded).toStrictEqual([]);
    expect(cidrsOf(cluster, EAST, EAST_SG)).toHaveLength(1);
  });

  it('leaves alone an action of a group that is not in the cluster', async () => {
    // arrange
    const cluster = createInMemoryCluster(config());
    const event = launch(cluster);
    const foreign = {
      ...event,
      action: { ...event.action, asgName: 'someone-elses-group' },
    };

    // act
    const report = await handleLifecycleEvent(cluster.context(EAST), foreign);

    // assert
    expect(report.lifecycle).toBeUndefined();
    expect(report.failures[0]?.error.kind).toBe('InputInvalid');
    expect(cluster.region(EAST).lifecycle.pending()).toHaveLength(1);
  });

  it('loses no event when two runs in one region race', async () => {
    // arrange
    const cluster = createInMemoryCluster(config());
    const first = launch(cluster);
    const second = launch(cluster);

    // act
    await Promise.all([
      handleLifecycleEvent(cluster.context(EAST), first),
      handleLifecycleEvent(cluster.context(EAST), second),
    ]);

    // assert
    const stream = await cluster
      .region(EAST)
      .store.readStream(streamName('flows', EAST));
    expect(stream._unsafeUnwrap().events).toHaveLength(2);
    expect(cidrsOf(cluster, EAST, EAST_SG)).toHaveLength(2);
  });

  it('re-reads and re-plans once when the target changed under it', async () => {
    // arrange
    const cluster = createInMemoryCluster(config());
    const event = launch(cluster);
    cluster.faults.failNext(
      { kind: 'Stale', message: 'duplicate', target: EAST_SG, code: 'dup' },
      { region: EAST, operation: 'authorize' },
    );

    // act
    const report = await handleLifecycleEvent(cluster.context(EAST), event);

    // assert
    expect(report.failures).toEqual([]);
    expect(report.targets[0]?.converged).toBe(true);
  });
});

describe('trueUp', () => {
  it('records only the differences and repairs a region that missed them', async () => {
    // arrange
    const cluster = createInMemoryCluster(config());
    cluster.faults.makeUnreachable(WEST);
    await handleLifecycleEvent(cluster.context(EAST), launch(cluster));
    cluster.faults.heal(WEST);

    // act
    const east = await trueUp(cluster.context(EAST));
    const west = await trueUp(cluster.context(WEST));

    // assert
    expect(east.recorded).toEqual([]);
    expect(east.replicated).toContainEqual(
      expect.objectContaining({ region: WEST, copied: 1 }),
    );
    expect(west.failures).toEqual([]);
    expect(cidrsOf(cluster, WEST, WEST_SG)).toEqual(
      cidrsOf(cluster, EAST, EAST_SG),
    );
  });

  it('records instances attached without a hook', async () => {
    // arrange
    const cluster = createInMemoryCluster(config());
    cluster.region(EAST).autoScaling.attach('db-east');

    // act
    const report = await trueUp(cluster.context(EAST));

    // assert
    expect(report.recorded.map((e) => e.event.data)).toEqual([
      expect.objectContaining({ cause: 'true-up' }),
    ]);
    expect(cidrsOf(cluster, EAST, EAST_SG)).toHaveLength(1);
  });

  it('records a decision longer than one append takes, in parts', async () => {
    // arrange
    const cluster = createInMemoryCluster(config(1000), {
      maxEventsPerAppend: 99,
    });
    for (let i = 0; i < 250; i += 1) {
      cluster.region(EAST).autoScaling.attach('db-east');
    }

    // act
    const report = await trueUp(cluster.context(EAST));

    // assert
    expect(report.failures).toEqual([]);
    expect(report.recorded.map((e) => e.version)).toEqual(
      Array.from({ length: 250 }, (_, i) => i + 1),
    );
    expect(cluster.calls.count({ operation: 'appendToStream' })).toBe(3);
  });

  it('still revokes departed members when the adds are over quota', async () => {
    // arrange: one member, then it leaves and two others join
    const cluster = createInMemoryCluster(config(1));
    const scaling = cluster.region(EAST).autoScaling;
    const first = scaling.attach('db-east');
    await trueUp(cluster.context(EAST));
    scaling.detach(first);
    scaling.attach('db-east');
    scaling.attach('db-east');

    // act
    const report = await trueUp(cluster.context(EAST));

    // assert
    expect(report.failures[0]?.error).toMatchObject({
      kind: 'QuotaExceeded',
      needed: 2,
      quota: 1,
    });
    expect(cidrsOf(cluster, EAST, EAST_SG)).toEqual([]);
  });
});

describe('two runs in one region at once', () => {
  it('reconciles again when another run moved the view while it applied', async () => {
    // arrange: run A stops at its read of the rules, holding an old view
    let atGate = (): void => undefined;
    const gateReached = new Promise<void>((resolve) => (atGate = resolve));
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const sleep = (ms: number): Promise<void> => {
      if (ms !== 7) return Promise.resolve();
      atGate();
      return released;
    };
    const cluster = createInMemoryCluster(config(), { hooks: false, sleep });
    const scaling = cluster.region(EAST).autoScaling;
    scaling.attach('db-east');
    const leaver = scaling.attach('db-east');
    await trueUp(cluster.context(EAST));
    cluster.faults.delay(7, { region: EAST, operation: 'readRules' });
    const runA = trueUp(cluster.context(EAST));
    await gateReached;
    cluster.faults.clear();

    // act: run B records the leave and revokes; then A goes on
    scaling.terminate(leaver);
    await trueUp(cluster.context(EAST));
    release();
    await runA;

    // assert
    const running = scaling.instancesOf('db-east');
    expect(cidrsOf(cluster, EAST, EAST_SG)).toEqual(
      running.map((i) => `${i.addresses.publicIpv4}/32`),
    );
  });
});

describe('handleRemoteChange', () => {
  it('pulls the sender stream when its copy did not arrive', async () => {
    // arrange: the copy to the west store fails, the notice goes through
    const cluster = createInMemoryCluster(config());
    cluster.faults.failAlways(unreachable(WEST), {
      region: WEST,
      operation: 'copyEvents',
    });
    await handleLifecycleEvent(cluster.context(EAST), launch(cluster));
    cluster.faults.clear();
    const [notice] = cluster.world.inboxes.drain(WEST);
    if (!notice) throw new Error('no notice arrived');

    // act
    const report = await handleRemoteChange(cluster.context(WEST), notice);

    // assert
    expect(report.replicated).toEqual([
      expect.objectContaining({ region: EAST, copied: 1 }),
    ]);
    expect(cidrsOf(cluster, WEST, WEST_SG)).toHaveLength(1);
  });
});

describe('planOnly', () => {
  it('plans every local target and changes nothing', async () => {
    // arrange
    const cluster = createInMemoryCluster(config());
    cluster.region(EAST).autoScaling.attach('db-east');
    await trueUp(cluster.context(EAST));
    const ruleId = cluster.region(EAST).firewall.rulesOf(EAST_SG)[0]?.ruleId;
    cluster.region(EAST).firewall.removeRule(EAST_SG, ruleId ?? '');

    // act
    const report = await planOnly(cluster.context(EAST));

    // assert
    expect(report.targets[0]?.plan.authorize).toHaveLength(1);
    expect(cidrsOf(cluster, EAST, EAST_SG)).toEqual([]);
  });
});

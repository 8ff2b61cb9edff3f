import {
  handleLifecycleEvent,
  handleRemoteChange,
  trueUp,
  type RegionContext,
} from '@sgsync/core';
import { createInMemoryCluster, type InMemoryCluster } from '@sgsync/in-memory';
import {
  asgOf,
  benchConfig,
  membersIn,
  ObservationTally,
  tallied,
  type CallRow,
  type FlowCalls,
} from './scenario.js';

/** AWS allows at most 1000 inbound rules in one security group. */
const RULES_PER_GROUP = 1000;

interface World {
  readonly cluster: InMemoryCluster;
  readonly contexts: ReadonlyMap<string, RegionContext>;
  readonly tally: ObservationTally;
  readonly regions: readonly string[];
}

/**
 * Counts the in-memory adapter calls of a lifecycle event (the launch of
 * the `members`-th member, in the first region, with the runs its
 * notices start in the other regions) and of a true-up of the first
 * region once every region has converged.
 */
export const memoryCallRow = async (
  regions: number,
  members: number,
): Promise<CallRow> => {
  const world = await convergedWorld(regions, members - 1);
  const lifecycle = await lifecycleCalls(world);
  const trueUpCalls = await trueUpOnly(world);

  return { regions, members, lifecycle, trueUp: trueUpCalls };
};

const convergedWorld = async (
  regionCount: number,
  members: number,
): Promise<World> => {
  const config = benchConfig({
    regions: regionCount,
    rulesPerGroup: RULES_PER_GROUP,
  });
  const cluster = createInMemoryCluster(config);
  const tally = new ObservationTally();
  const regions = config.regions.map((r) => r.name);
  const contexts = new Map(
    regions.map((r) => [r, tallied(config, cluster.region(r).ports, tally)]),
  );
  regions.forEach((r, i) => {
    const asg = cluster.region(r).autoScaling;
    asg.resize(asgOf(r), membersIn(members, regionCount, i));
    asg.takeLifecycleEvents();
  });
  for (let round = 0; round < 2; round += 1) {
    for (const ctx of contexts.values()) await trueUp(ctx);
  }
  regions.forEach((r) => cluster.world.inboxes.drain(r));

  return { cluster, contexts, tally, regions };
};

const lifecycleCalls = async (world: World): Promise<FlowCalls> => {
  const [local, ...remotes] = world.regions;
  const region = world.cluster.region(local ?? '');
  reset(world);
  region.autoScaling.launch(asgOf(region.name));
  for (const input of region.autoScaling.takeLifecycleEvents()) {
    await handleLifecycleEvent(contextOf(world, region.name), input);
  }
  const localCalls = world.cluster.calls.count();

  for (const remote of remotes) {
    for (const notice of world.cluster.world.inboxes.drain(remote)) {
      await handleRemoteChange(contextOf(world, remote), notice);
    }
  }

  return flowCalls(world, localCalls);
};

const trueUpOnly = async (world: World): Promise<FlowCalls> => {
  const local = world.regions[0] ?? '';
  reset(world);
  await trueUp(contextOf(world, local));

  return flowCalls(world, world.cluster.calls.count());
};

const flowCalls = (world: World, localCalls: number): FlowCalls => {
  const total = world.cluster.calls.count();
  const operations: Record<string, number> = {};
  for (const c of world.cluster.calls.snapshot()) {
    operations[c.operation] = (operations[c.operation] ?? 0) + c.calls;
  }

  return {
    local: localCalls,
    remote: total - localCalls,
    naive: total + world.tally.instances,
    operations,
  };
};

const reset = (world: World): void => {
  world.cluster.calls.reset();
  world.tally.reset();
};

const contextOf = (world: World, region: string): RegionContext => {
  const ctx = world.contexts.get(region);
  if (ctx === undefined) throw new Error(`no context for ${region}`);

  return ctx;
};

import {
  createRegionContext,
  type ClusterConfig,
  type Clock,
  type EventStore,
  type RegionContext,
  type RegionName,
  type RegionPorts,
} from '@sgsync/core';
import { InMemoryAutoScaling } from './autoScaling.js';
import { SteppingClock } from './clock.js';
import { InMemoryEventStore } from './eventStore.js';
import type { CallCounts, Faults } from './faults.js';
import { InMemoryFirewall } from './firewall.js';
import { InMemoryLifecycleSignal } from './lifecycleSignal.js';
import { InMemoryNotifier } from './notifier.js';
import { InMemoryWorld, type Sleep } from './world.js';

/** How {@link createInMemoryCluster} builds the world. */
export interface InMemoryClusterOptions {
  /** Default: a stepping clock, one second a read, from 2026-01-01. */
  readonly clock?: Clock;
  /** Default: the stepping clock's sleep, so delays cost no real time. */
  readonly sleep?: Sleep;
  /** Default: a new world. */
  readonly world?: InMemoryWorld;
  /** The cloud's rules-per-group limit (default: the config's quota). */
  readonly rulesPerGroup?: number;
  /** When false, groups have no lifecycle hooks (default true). */
  readonly hooks?: boolean;
  /** The most events one append takes (default: no limit). */
  readonly maxEventsPerAppend?: number;
}

/** One region of an in-memory cluster: its ports and their simulations. */
export interface InMemoryRegion {
  readonly name: RegionName;
  /** What the use cases of this region run with. */
  readonly ports: RegionPorts;
  readonly store: InMemoryEventStore;
  readonly firewall: InMemoryFirewall;
  readonly autoScaling: InMemoryAutoScaling;
  readonly lifecycle: InMemoryLifecycleSignal;
  readonly notifier: InMemoryNotifier;
}

/** A whole cluster in one simulated world. */
export interface InMemoryCluster {
  readonly config: ClusterConfig;
  readonly world: InMemoryWorld;
  readonly faults: Faults;
  readonly calls: CallCounts;
  readonly clock: Clock;
  readonly regions: ReadonlyMap<RegionName, InMemoryRegion>;
  /** A region of the cluster; throws for a region that is not in it. */
  region(name: RegionName): InMemoryRegion;
  /** The use-case context of a region; throws for an unknown region. */
  context(name: RegionName): RegionContext;
}

/**
 * Builds every region of a cluster in one simulated world: its Auto
 * Scaling groups (empty, with lifecycle hooks), its security groups
 * (empty), its event store and inbox. Each region's ports see the event
 * store of every region, as `RegionPorts` requires.
 *
 * @example
 * ```ts
 * import { parseClusterConfig, trueUp } from '@sgsync/core';
 * import { createInMemoryCluster } from '@sgsync/in-memory';
 *
 * const config = parseClusterConfig(raw)._unsafeUnwrap();
 * const cluster = createInMemoryCluster(config, { hooks: false });
 * cluster.region('us-east-1').autoScaling.launch('orders-db-use1');
 * const report = await trueUp(cluster.context('us-east-1'));
 * ```
 */
export const createInMemoryCluster = (
  config: ClusterConfig,
  options: InMemoryClusterOptions = {},
): InMemoryCluster => {
  const stepping = new SteppingClock();
  const clock = options.clock ?? stepping;
  const world =
    options.world ??
    new InMemoryWorld({ sleep: options.sleep ?? stepping.sleep });
  const stores = new Map<RegionName, EventStore>(
    config.regions.map((r) => [
      r.name,
      new InMemoryEventStore({
        region: r.name,
        world,
        ...(options.maxEventsPerAppend === undefined
          ? {}
          : { maxEventsPerAppend: options.maxEventsPerAppend }),
      }),
    ]),
  );
  const regions = new Map(
    config.regions.map((r) => [
      r.name,
      buildRegion(config, r.name, { world, clock, stores, options }),
    ]),
  );

  return {
    config,
    world,
    faults: world.faults,
    calls: world.calls,
    clock,
    regions,
    region: (name) => regionOf(regions, name),
    context: (name) => contextOf(config, regionOf(regions, name)),
  };
};

interface Shared {
  readonly world: InMemoryWorld;
  readonly clock: Clock;
  readonly stores: ReadonlyMap<RegionName, EventStore>;
  readonly options: InMemoryClusterOptions;
}

const buildRegion = (
  config: ClusterConfig,
  name: RegionName,
  shared: Shared,
): InMemoryRegion => {
  const { world, clock, stores, options } = shared;
  const lifecycle = new InMemoryLifecycleSignal({ region: name, world });
  const autoScaling = new InMemoryAutoScaling({
    region: name,
    world,
    addressKind: config.addressKind,
    lifecycle,
  });
  const firewall = new InMemoryFirewall({
    region: name,
    world,
    rulesPerGroup: options.rulesPerGroup ?? config.quota.rulesPerGroup,
  });
  const notifier = new InMemoryNotifier({ region: name, world });
  populate(config, name, { autoScaling, firewall, world, options });

  return {
    name,
    ports: {
      region: name,
      membership: autoScaling,
      firewall,
      lifecycle,
      notifier,
      clock,
      stores,
    },
    store: stores.get(name) as InMemoryEventStore,
    firewall,
    autoScaling,
    lifecycle,
    notifier,
  };
};

const populate = (
  config: ClusterConfig,
  name: RegionName,
  parts: {
    readonly autoScaling: InMemoryAutoScaling;
    readonly firewall: InMemoryFirewall;
    readonly world: InMemoryWorld;
    readonly options: InMemoryClusterOptions;
  },
): void => {
  const region = config.regions.find((r) => r.name === name);
  const hooks = parts.options.hooks ?? true;
  for (const asgName of region?.asgNames ?? []) {
    parts.autoScaling.createGroup(
      asgName,
      hooks ? {} : { launchHook: false, terminateHook: false },
    );
  }
  for (const id of region?.securityGroupIds ?? [])
    parts.firewall.createGroup(id);
  parts.world.inboxes.open(name);
};

const regionOf = (
  regions: ReadonlyMap<RegionName, InMemoryRegion>,
  name: RegionName,
): InMemoryRegion => {
  const region = regions.get(name);
  if (!region) throw new Error(`${name} is not a region of the cluster`);

  return region;
};

const contextOf = (
  config: ClusterConfig,
  region: InMemoryRegion,
): RegionContext =>
  createRegionContext(config, region.ports).match(
    (ctx) => ctx,
    (error) => {
      throw new Error(error.message);
    },
  );

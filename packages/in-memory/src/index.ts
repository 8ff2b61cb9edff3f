/**
 * In-memory adapters of every sgsync port, sharing one simulated world
 * with deterministic ids, addresses and time, per-region call counts,
 * and fault injection: failed calls, unreachable regions, delays, and
 * plans that fail halfway. For tests, simulations, demos, and anyone who
 * embeds the core without AWS.
 *
 * @example
 * ```ts
 * import { parseClusterConfig, trueUp } from '@sgsync/core';
 * import { createInMemoryCluster } from '@sgsync/in-memory';
 *
 * const config = parseClusterConfig({
 *   cluster: 'orders-db',
 *   regions: [
 *     { name: 'us-east-1', asgNames: ['db-use1'],
 *       securityGroupIds: ['sg-0123456789abcdef0'], eventTable: 'events' },
 *     { name: 'eu-west-1', asgNames: ['db-euw1'],
 *       securityGroupIds: ['sg-0fedcba9876543210'], eventTable: 'events' },
 *   ],
 *   rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
 * })._unsafeUnwrap();
 *
 * const cluster = createInMemoryCluster(config, { hooks: false });
 * cluster.region('us-east-1').autoScaling.launch('db-use1');
 * cluster.faults.makeUnreachable('eu-west-1');
 * const report = await trueUp(cluster.context('us-east-1'));
 * report.failures; // the eu-west-1 steps, as Unreachable
 * ```
 *
 * @packageDocumentation
 */
export {
  InMemoryAutoScaling,
  type GroupOptions,
  type InMemoryAutoScalingOptions,
  type LaunchOptions,
  type ScalingActivity,
} from './autoScaling.js';
export {
  DEFAULT_START,
  FixedClock,
  SteppingClock,
  type SteppingClockOptions,
} from './clock.js';
export {
  createInMemoryCluster,
  type InMemoryCluster,
  type InMemoryClusterOptions,
  type InMemoryRegion,
} from './cluster.js';
export {
  InMemoryEventStore,
  canonicalJson,
  type InMemoryEventStoreOptions,
} from './eventStore.js';
export {
  CallCounts,
  Faults,
  matches,
  unreachableError,
  type Call,
  type CallCount,
  type CallMatch,
  type FaultError,
  type Operation,
  type Service,
} from './faults.js';
export {
  InMemoryFirewall,
  type InMemoryFirewallOptions,
  type OutOfBandRule,
} from './firewall.js';
export {
  InMemoryLifecycleSignal,
  type ActionStatus,
  type InMemoryLifecycleSignalOptions,
  type LifecycleResult,
} from './lifecycleSignal.js';
export { InMemoryNotifier, type InMemoryNotifierOptions } from './notifier.js';
export {
  InMemorySnapshotStore,
  type InMemorySnapshotStoreOptions,
} from './snapshotStore.js';
export {
  InMemoryWorld,
  Inboxes,
  type InMemoryWorldOptions,
  type Sleep,
} from './world.js';

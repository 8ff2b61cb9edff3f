/**
 * What adapters and tests of sgsync share: one contract test suite per
 * port (every adapter runs the same cases under its own name), the
 * harnesses those suites need, a given / when / then helper for the
 * membership decider, and the fast-check arbitraries of the domain.
 *
 * Import it as `@sgsync/core/testing`; it needs vitest (and fast-check
 * for the arbitraries), which the core itself never loads.
 *
 * @example
 * ```ts
 * // packages/in-memory/test/contracts.test.ts
 * import { eventStoreContract } from '@sgsync/core/testing';
 *
 * eventStoreContract('InMemoryEventStore', async () => eventStoreHarness());
 * ```
 *
 * @packageDocumentation
 */
export {
  actualRuleArb,
  addressesArb,
  addressKindArb,
  clusterConfigArb,
  instanceIdArb,
  ipv4Arb,
  ipv6Arb,
  lifecycleStateArb,
  markerArb,
  eventTimeArb,
  membershipEventArb,
  observedInstanceArb,
  rawClusterConfigArb,
  ruleArb,
  ruleTemplateArb,
  singleAddressCidrArb,
  type ActualRuleOptions,
  type ObservedInstanceOptions,
} from './arbitraries.js';
export { deciderSpec, type DeciderThen, type DeciderWhen } from './decider.js';
export { eventStoreContract } from './eventStore.js';
export { CONTRACT_MARKER, firewallContract } from './firewall.js';
export {
  addressesChangedEvent,
  instanceIdOf,
  joinedEvent,
  joinedEvents,
  leftEvent,
} from './fixtures.js';
export type {
  EventStoreHarness,
  FirewallHarness,
  ForeignRule,
  GroupFixture,
  LifecycleHarness,
  MembershipHarness,
  NotifierHarness,
} from './harness.js';
export { lifecycleSignalContract } from './lifecycle.js';
export { membershipSourceContract } from './membership.js';
export { notifierContract } from './notifier.js';
export { errOf, okOf } from './results.js';
export {
  snapshotStoreContract,
  type SnapshotStoreHarness,
} from './snapshotStore.js';

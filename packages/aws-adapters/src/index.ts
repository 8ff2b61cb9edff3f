/**
 * The AWS adapters of sgsync's ports, on the AWS SDK for JavaScript v3:
 * EC2 security groups, Auto Scaling membership and lifecycle actions,
 * DynamoDB event stores and EventBridge notices, and the function that
 * builds them all for one region of a cluster.
 *
 * @packageDocumentation
 */

/** Counts AWS calls per operation, for tests and benchmarks. */
export { AwsCallCounter, type CountableClient } from './call-counter.js';
/** Builds a region's SDK clients with bounded timeouts and retries. */
export {
  clientConfig,
  createAwsClients,
  type AwsClientOptions,
  type AwsClients,
  type AwsCredentials,
  type CommonClientConfig,
} from './clients.js';
/** The event store port on DynamoDB. */
export {
  DynamoDbEventStore,
  MAX_ITEMS_PER_TRANSACTION,
  type DynamoDbEventStoreOptions,
} from './event-store.js';
/** The firewall target port on EC2 security groups. */
export {
  Ec2SecurityGroupFirewall,
  type Ec2SecurityGroupFirewallOptions,
} from './firewall.js';
/** The lifecycle signal port on Auto Scaling. */
export {
  AutoScalingLifecycleSignal,
  NO_ACTIVE_ACTION,
  type AutoScalingLifecycleSignalOptions,
} from './lifecycle.js';
/** The membership source port on Auto Scaling and EC2. */
export {
  AutoScalingMembershipSource,
  lifecycleStateOf,
  primaryIpv6,
  timerSleep,
  type AutoScalingMembershipSourceOptions,
  type Sleep,
} from './membership.js';
/** The notifier port on EventBridge. */
export {
  EventBridgeNotifier,
  NOTICE_DETAIL_TYPE,
  NOTICE_SOURCE,
  type NoticeDestination,
} from './notifier.js';
/** The snapshot store port on the event table. */
export {
  DynamoDbSnapshotStore,
  itemBytes,
  MAX_ITEM_BYTES,
  type DynamoDbSnapshotStoreOptions,
} from './snapshotStore.js';
/** Every port of one region, and the system clock. */
export {
  createAwsRegionPorts,
  SystemClock,
  type AwsRegionPortsOptions,
} from './region-ports.js';

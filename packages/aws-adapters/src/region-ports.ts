import type {
  Clock,
  ClusterConfig,
  EventStore,
  RegionPorts,
} from '@sgsync/core';
import {
  createAwsClients,
  type AwsClientOptions,
  type AwsClients,
} from './clients.js';
import { DynamoDbEventStore } from './event-store.js';
import { Ec2SecurityGroupFirewall } from './firewall.js';
import { AutoScalingLifecycleSignal } from './lifecycle.js';
import { AutoScalingMembershipSource, type Sleep } from './membership.js';
import { EventBridgeNotifier, type NoticeDestination } from './notifier.js';
import { DynamoDbSnapshotStore } from './snapshotStore.js';

/** The clock of the machine, as ISO 8601 text. */
export const SystemClock: Clock = {
  now: () => new Date().toISOString(),
};

/** What {@link createAwsRegionPorts} takes beyond the client settings. */
export interface AwsRegionPortsOptions extends AwsClientOptions {
  /** Looks at instances without an address this often (default 3). */
  readonly addressAttempts?: number;
  /** The first wait between those looks, doubled each time (default 500). */
  readonly addressBackoffMs?: number;
  /** How to wait between those looks (default: a timer). */
  readonly sleep?: Sleep;
  /** The clock (default {@link SystemClock}). */
  readonly clock?: Clock;
  /**
   * When set, streams are read from snapshots kept in the local event
   * table, and a new one is written when more than this many events
   * followed the last (see {@link DynamoDbSnapshotStore}). Off by default.
   */
  readonly snapshotEvery?: number;
}

/**
 * Builds every port of one region on AWS: the region's membership
 * source, security-group firewall, lifecycle signal, a notifier with a
 * client for each other region of the cluster, and a DynamoDB event store
 * for every region of the cluster (each with a client in its own region).
 * A region that is not in the cluster gets no store of its own, which
 * `createRegionContext` reports.
 *
 * @example
 * ```ts
 * const ports = createAwsRegionPorts(config, 'eu-west-1', {
 *   requestTimeoutMs: 5000,
 * });
 * const ctx = createRegionContext(config, ports);
 * if (ctx.isOk()) await trueUp(ctx.value);
 * ```
 */
export const createAwsRegionPorts = (
  config: ClusterConfig,
  region: string,
  options: AwsRegionPortsOptions = {},
): RegionPorts => {
  const clients = regionClients(config, region, options);
  const local = clients.get(region) ?? createAwsClients(region, options);

  return {
    region,
    membership: new AutoScalingMembershipSource({
      autoScaling: local.autoScaling,
      ec2: local.ec2,
      region,
      addressKind: config.addressKind,
      ...membershipOptions(options),
    }),
    firewall: new Ec2SecurityGroupFirewall({
      client: local.ec2,
      region,
      quota: config.quota.rulesPerGroup,
    }),
    lifecycle: new AutoScalingLifecycleSignal({
      client: local.autoScaling,
      region,
    }),
    notifier: notifierOf(config, region, clients),
    clock: options.clock ?? SystemClock,
    ...snapshotPorts(config, region, local, options),
    stores: storesOf(config, clients),
  };
};

/** The clients of the local region and of every region of the cluster. */
const regionClients = (
  config: ClusterConfig,
  region: string,
  options: AwsClientOptions,
): Map<string, AwsClients> => {
  const names = new Set([region, ...config.regions.map((r) => r.name)]);

  return new Map(
    [...names].map((name) => [name, createAwsClients(name, options)]),
  );
};

/** A notifier with the bus and client of every other region. */
const notifierOf = (
  config: ClusterConfig,
  region: string,
  clients: ReadonlyMap<string, AwsClients>,
): EventBridgeNotifier => {
  const destinations = new Map<string, NoticeDestination>();
  for (const other of config.regions.filter((r) => r.name !== region)) {
    const client = clients.get(other.name)?.eventBridge;
    if (client) {
      destinations.set(other.name, { client, eventBus: other.eventBus });
    }
  }

  return new EventBridgeNotifier(destinations);
};

/** A DynamoDB event store for every region, with that region's client. */
const storesOf = (
  config: ClusterConfig,
  clients: ReadonlyMap<string, AwsClients>,
): Map<string, EventStore> => {
  const stores = new Map<string, EventStore>();
  for (const r of config.regions) {
    const client = clients.get(r.name)?.dynamoDb;
    if (client) {
      stores.set(
        r.name,
        new DynamoDbEventStore({
          client,
          region: r.name,
          tableName: r.eventTable,
        }),
      );
    }
  }

  return stores;
};

const membershipOptions = (options: AwsRegionPortsOptions) => ({
  ...(options.addressAttempts === undefined
    ? {}
    : { addressAttempts: options.addressAttempts }),
  ...(options.addressBackoffMs === undefined
    ? {}
    : { addressBackoffMs: options.addressBackoffMs }),
  ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
});

/** The local region's snapshot store, when the options ask for one. */
const snapshotPorts = (
  config: ClusterConfig,
  region: string,
  local: AwsClients,
  options: AwsRegionPortsOptions,
): Pick<RegionPorts, 'snapshots' | 'snapshotEvery'> => {
  const table = config.regions.find((r) => r.name === region)?.eventTable;
  if (options.snapshotEvery === undefined || table === undefined) return {};

  return {
    snapshots: new DynamoDbSnapshotStore({
      client: local.dynamoDb,
      region,
      tableName: table,
    }),
    snapshotEvery: options.snapshotEvery,
  };
};

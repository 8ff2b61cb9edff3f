import {
  AutoScalingLifecycleSignal,
  AutoScalingMembershipSource,
  clientConfig,
  DynamoDbEventStore,
  Ec2SecurityGroupFirewall,
  EventBridgeNotifier,
} from '@sgsync/aws-adapters';
import type { ChangeNotice } from '@sgsync/core';
import type {
  EventStoreHarness,
  FirewallHarness,
  LifecycleHarness,
  MembershipHarness,
  NotifierHarness,
} from '@sgsync/core/testing';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { FaultProxy } from './fault-proxy.js';
import {
  addForeignRule,
  addLaunchHook,
  createEventTable,
  createGroup,
  createSecurityGroup,
  createWatchedBus,
  drainQueue,
  fixtureClients,
  removeRule,
  resizeGroup,
} from './fixtures.js';
import { closedPort, motoEndpoint, motoOptions, uniqueName } from './moto.js';

/** The region the single-region harnesses use. */
export const HARNESS_REGION = 'eu-west-1';

/**
 * Makes a client send its TransactWriteItems calls one at a time. moto
 * backs a transaction up by copying the whole table and, when the
 * transaction fails, puts that copy back, erasing what a concurrent
 * transaction wrote in between (DynamoDB isolates transactions). Sent one
 * after the other, two concurrent appends still meet the conditions that
 * make exactly one of them win.
 */
const serialiseTransactions = (client: DynamoDBClient): void => {
  let queue: Promise<unknown> = Promise.resolve();
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') {
        return next(args);
      }

      const turn = queue.then(() => next(args));
      queue = turn.catch(() => undefined);

      return turn;
    },
    { step: 'initialize', name: 'serialiseTransactionsForMoto' },
  );
};

/** A DynamoDbEventStore on a new moto table. */
export const dynamoDbEventStoreHarness =
  async (): Promise<EventStoreHarness> => {
    const clients = fixtureClients(HARNESS_REGION);
    serialiseTransactions(clients.dynamoDb);
    const tableName = await createEventTable(clients.dynamoDb);
    let n = 0;

    return {
      store: new DynamoDbEventStore({
        client: clients.dynamoDb,
        region: HARNESS_REGION,
        tableName,
      }),
      newStream: () => `contract/${tableName}/stream-${++n}`,
    };
  };

/** An Ec2SecurityGroupFirewall on new moto security groups. */
export const ec2FirewallHarness = async (): Promise<FirewallHarness> => {
  const { ec2 } = fixtureClients(HARNESS_REGION);

  return {
    firewall: new Ec2SecurityGroupFirewall({
      client: ec2,
      region: HARNESS_REGION,
    }),
    region: HARNESS_REGION,
    newTarget: async () => ({
      region: HARNESS_REGION,
      kind: 'security-group',
      id: await createSecurityGroup(ec2),
    }),
    addForeignRule: (target, rule) => addForeignRule(ec2, target.id, rule),
    removeRule: (target, ruleId) => removeRule(ec2, target.id, ruleId),
  };
};

/** An AutoScalingMembershipSource on new moto Auto Scaling groups. */
export const autoScalingMembershipHarness =
  async (): Promise<MembershipHarness> => {
    const clients = fixtureClients(HARNESS_REGION);

    return {
      source: new AutoScalingMembershipSource({
        autoScaling: clients.autoScaling,
        ec2: clients.ec2,
        region: HARNESS_REGION,
        addressKind: 'public-ipv4',
        sleep: async () => undefined,
      }),
      newGroup: (size) => createGroup(clients, size, HARNESS_REGION),
      resize: (asgName, size) =>
        resizeGroup(clients.autoScaling, asgName, size),
    };
  };

/**
 * An AutoScalingLifecycleSignal through the fault proxy, which answers
 * CompleteLifecycleAction and RecordLifecycleActionHeartbeat for actions
 * of a real moto group (moto does not implement those two calls).
 */
export const proxiedLifecycleHarness = async (): Promise<LifecycleHarness> => {
  const proxy = await FaultProxy.start(motoEndpoint());
  const clients = fixtureClients(
    HARNESS_REGION,
    motoOptions({ endpoint: proxy.endpoint }),
  );
  const group = await createGroup(clients, 1, HARNESS_REGION);
  const hookName = await addLaunchHook(clients.autoScaling, group.asgName);
  const instanceId = group.instanceIds[0] ?? '';
  const actionOf = (token: string) => ({
    asgName: group.asgName,
    hookName,
    token,
    instanceId,
  });

  return {
    signal: new AutoScalingLifecycleSignal({
      client: clients.autoScaling,
      region: HARNESS_REGION,
    }),
    pendingAction: async () => actionOf(proxy.addPendingAction(instanceId)),
    expiredAction: async () => actionOf(uniqueName('expired-token')),
    completions: async () => new Map(proxy.completions),
    cleanup: () => proxy.close(),
  };
};

/**
 * An EventBridgeNotifier to a moto bus in one region (whose notices land
 * in an SQS queue the harness reads), and to a region whose endpoint
 * refuses connections.
 */
export const eventBridgeNotifierHarness =
  async (): Promise<NotifierHarness> => {
    const reachableRegion = 'us-east-1';
    const unreachableRegion = 'ap-south-1';
    const reachable = fixtureClients(reachableRegion).eventBridge;
    const bus = await createWatchedBus(reachable, reachableRegion);
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = new EventBridgeClient(
      clientConfig(
        unreachableRegion,
        motoOptions({
          endpoint: refused,
          maxAttempts: 1,
        }),
      ),
    );
    const arrived: ChangeNotice[] = [];

    return {
      notifier: new EventBridgeNotifier(
        new Map([
          [reachableRegion, { client: reachable, eventBus: bus.eventBus }],
          [unreachableRegion, { client: unreachable, eventBus: 'default' }],
        ]),
      ),
      reachableRegion,
      unreachableRegion,
      received: async (region) => {
        if (region !== reachableRegion) return [];
        const bodies = await drainQueue(region, bus.queueUrl);
        arrived.push(
          ...bodies.map((b) => (b as { detail: ChangeNotice }).detail),
        );

        return [...arrived];
      },
    };
  };

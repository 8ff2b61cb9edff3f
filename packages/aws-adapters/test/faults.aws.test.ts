import {
  AutoScalingLifecycleSignal,
  AwsCallCounter,
  createAwsClients,
  DynamoDbEventStore,
  Ec2SecurityGroupFirewall,
} from '@sgsync/aws-adapters';
import { errOf, joinedEvents, okOf } from '@sgsync/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './support/fault-proxy.js';
import {
  createEventTable,
  createSecurityGroup,
  fixtureClients,
} from './support/fixtures.js';
import { motoEndpoint, motoOptions, uniqueName } from './support/moto.js';

const REGION = 'eu-west-1';

const throttling = {
  status: 400,
  code: 'Throttling',
  message: 'Rate exceeded',
};

describe('faults injected by the proxy in front of moto', () => {
  let proxy: FaultProxy;
  const counter = new AwsCallCounter();

  const clients = (overrides = {}) =>
    createAwsClients(
      REGION,
      motoOptions({ endpoint: proxy.endpoint, counter, ...overrides }),
    );
  const action = (token: string) => ({
    asgName: 'orders',
    hookName: 'sgsync-launch',
    token,
    instanceId: 'i-0123456789abcdef0',
  });

  beforeAll(async () => {
    proxy = await FaultProxy.start(motoEndpoint());
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('retries a throttled CompleteLifecycleAction and completes it (fault proxy)', async () => {
    const signal = new AutoScalingLifecycleSignal({
      client: clients({ maxAttempts: 3 }).autoScaling,
      region: REGION,
    });
    const token = proxy.addPendingAction('i-0123456789abcdef0');
    proxy.failNext('CompleteLifecycleAction', 2, throttling);
    const before = proxy.attempts('CompleteLifecycleAction');
    counter.reset();

    const outcome = await okOf(signal.complete(action(token)));

    expect(outcome).toBe('completed');
    expect(proxy.attempts('CompleteLifecycleAction') - before).toBe(3);
    expect(counter.total()).toBe(1);
    expect(proxy.completions.get(token)).toBe('CONTINUE');
  });

  it('reports Throttled once the SDK retries run out (fault proxy)', async () => {
    const signal = new AutoScalingLifecycleSignal({
      client: clients({ maxAttempts: 2 }).autoScaling,
      region: REGION,
    });
    const token = proxy.addPendingAction('i-0123456789abcdef0');
    proxy.failNext('RecordLifecycleActionHeartbeat', 2, throttling);

    const error = await errOf(signal.heartbeat(action(token)));

    expect(error).toMatchObject({
      kind: 'Throttled',
      region: REGION,
      service: 'autoscaling',
    });
    expect(error.message).toContain(token);
  });

  it('reports Unreachable when EC2 answers after the request timeout (fault proxy)', async () => {
    const ec2 = fixtureClients(REGION).ec2;
    const groupId = await createSecurityGroup(ec2);
    const firewall = new Ec2SecurityGroupFirewall({
      client: clients({ maxAttempts: 1, requestTimeoutMs: 300 }).ec2,
      region: REGION,
    });
    proxy.failNext('DescribeSecurityGroupRules', 1, { delayMs: 1500 });

    const error = await errOf(
      firewall.readRules({
        region: REGION,
        kind: 'security-group',
        id: groupId,
      }),
    );

    expect(error).toMatchObject({ kind: 'Unreachable', service: 'ec2' });
    expect(error.message).toContain(groupId);
  });

  it('reports a throttled append as Throttled and writes nothing (fault proxy)', async () => {
    const tableName = await createEventTable(fixtureClients(REGION).dynamoDb);
    const store = new DynamoDbEventStore({
      client: clients({ maxAttempts: 2 }).dynamoDb,
      region: REGION,
      tableName,
    });
    const stream = uniqueName('faults');
    proxy.failNext('TransactWriteItems', 2, {
      status: 400,
      code: 'ThrottlingException',
      message: 'Rate of requests exceeds the allowed throughput.',
    });

    const error = await errOf(store.appendToStream(stream, 0, joinedEvents(2)));
    const slice = await okOf(store.readStream(stream));

    expect(error).toMatchObject({ kind: 'Throttled', service: 'dynamodb' });
    expect(slice).toStrictEqual({ version: 0, events: [] });
  });
});

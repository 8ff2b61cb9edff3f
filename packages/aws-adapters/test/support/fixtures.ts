import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  PutLifecycleHookCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  clientConfig,
  NOTICE_SOURCE,
  type AwsClientOptions,
} from '@sgsync/aws-adapters';
import type { ForeignRule } from '@sgsync/core/testing';
import { motoEndpoint, motoOptions, uniqueName } from './moto.js';

/** Raw SDK clients on moto for one region, to arrange what tests need. */
export const fixtureClients = (
  region: string,
  options: AwsClientOptions = motoOptions(),
) => {
  const config = clientConfig(region, options);

  return {
    ec2: new EC2Client(config),
    autoScaling: new AutoScalingClient(config),
    dynamoDb: new DynamoDBClient(config),
    eventBridge: new EventBridgeClient(config),
  };
};

/** Creates an event table with the schema the README documents. */
export const createEventTable = async (
  client: DynamoDBClient,
  tableName = uniqueName('sgsync-events'),
): Promise<string> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'stream', AttributeType: 'S' },
        { AttributeName: 'version', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'stream', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );

  return tableName;
};

/** Creates a security group in the region's default VPC. */
export const createSecurityGroup = async (client: EC2Client) => {
  const out = await client.send(
    new CreateSecurityGroupCommand({
      GroupName: uniqueName('sgsync-target'),
      Description: 'sgsync test target',
    }),
  );

  return out.GroupId ?? '';
};

/** Authorizes a rule without the marker, as someone else would. */
export const addForeignRule = async (
  client: EC2Client,
  groupId: string,
  rule: ForeignRule,
): Promise<void> => {
  const range = rule.cidr.includes(':')
    ? { Ipv6Ranges: [{ CidrIpv6: rule.cidr, Description: rule.description }] }
    : { IpRanges: [{ CidrIp: rule.cidr, Description: rule.description }] };
  await client.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        {
          IpProtocol: rule.protocol === 'all' ? '-1' : rule.protocol,
          FromPort: rule.fromPort,
          ToPort: rule.toPort,
          ...range,
        },
      ],
    }),
  );
};

/** Revokes a rule by its id, behind sgsync's back. */
export const removeRule = async (
  client: EC2Client,
  groupId: string,
  ruleId: string,
): Promise<void> => {
  await client.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: groupId,
      SecurityGroupRuleIds: [ruleId],
    }),
  );
};

/** Creates an Auto Scaling group of `size` instances (moto starts them). */
export const createGroup = async (
  clients: ReturnType<typeof fixtureClients>,
  size: number,
  region: string,
): Promise<{ asgName: string; instanceIds: string[] }> => {
  const template = await clients.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: uniqueName('sgsync-lt'),
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
    }),
  );
  const asgName = uniqueName('sgsync-asg');
  await clients.autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgName,
      MinSize: 0,
      MaxSize: 100,
      DesiredCapacity: size,
      LaunchTemplate: {
        LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId ?? '',
        Version: '$Latest',
      },
      AvailabilityZones: [`${region}a`],
    }),
  );

  return {
    asgName,
    instanceIds: await groupInstances(clients.autoScaling, asgName),
  };
};

/** The ids of a group's instances that are not leaving. */
export const groupInstances = async (
  client: AutoScalingClient,
  asgName: string,
): Promise<string[]> => {
  const out = await client.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [asgName] }),
  );

  return (out.AutoScalingGroups?.[0]?.Instances ?? [])
    .filter((i) => !(i.LifecycleState ?? '').startsWith('Terminat'))
    .map((i) => i.InstanceId ?? '');
};

/** Sets a group's size; moto launches or terminates at once. */
export const resizeGroup = async (
  client: AutoScalingClient,
  asgName: string,
  size: number,
): Promise<string[]> => {
  await client.send(
    new SetDesiredCapacityCommand({
      AutoScalingGroupName: asgName,
      DesiredCapacity: size,
    }),
  );

  return groupInstances(client, asgName);
};

/** Adds a launch lifecycle hook to a group. */
export const addLaunchHook = async (
  client: AutoScalingClient,
  asgName: string,
): Promise<string> => {
  const hookName = uniqueName('sgsync-hook');
  await client.send(
    new PutLifecycleHookCommand({
      AutoScalingGroupName: asgName,
      LifecycleHookName: hookName,
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      HeartbeatTimeout: 300,
      DefaultResult: 'ABANDON',
    }),
  );

  return hookName;
};

/**
 * Creates an event bus whose sgsync events go to a new SQS queue, so
 * that a test can read what arrived. Returns the bus and queue names.
 */
export const createWatchedBus = async (
  client: EventBridgeClient,
  region: string,
): Promise<{ eventBus: string; queueUrl: string }> => {
  const eventBus = uniqueName('sgsync-bus');
  const queueName = uniqueName('sgsync-notices');
  const queueUrl = await sqsCall(region, 'CreateQueue', {
    QueueName: queueName,
  }).then((out) => String(out['QueueUrl']));
  await client.send(new CreateEventBusCommand({ Name: eventBus }));
  await client.send(
    new PutRuleCommand({
      Name: `${eventBus}-rule`,
      EventBusName: eventBus,
      EventPattern: JSON.stringify({ source: [NOTICE_SOURCE] }),
    }),
  );
  await client.send(
    new PutTargetsCommand({
      Rule: `${eventBus}-rule`,
      EventBusName: eventBus,
      Targets: [
        {
          Id: 'queue',
          Arn: `arn:aws:sqs:${region}:123456789012:${queueName}`,
        },
      ],
    }),
  );

  return { eventBus, queueUrl };
};

/**
 * Drains the queue: every message body, parsed. moto's SQS speaks the
 * JSON protocol, called here without an SQS client.
 */
export const drainQueue = async (
  region: string,
  queueUrl: string,
): Promise<unknown[]> => {
  const bodies: unknown[] = [];
  for (let round = 0; round < 20; round += 1) {
    const out = await sqsCall(region, 'ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 3600,
    });
    const messages = (out['Messages'] ?? []) as { Body: string }[];
    if (messages.length === 0) break;
    bodies.push(...messages.map((m) => JSON.parse(m.Body) as unknown));
  }

  return bodies;
};

const sqsCall = async (
  region: string,
  action: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> => {
  const response = await fetch(motoEndpoint(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      authorization:
        `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/sqs/` +
        'aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SQS ${action}: ${text}`);

  return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
};

/**
 * Events shaped as AWS documents them (the Amazon EC2 Auto Scaling event
 * reference, its warm pool examples, and EventBridge's scheduled events),
 * and the cluster configuration the tests run with.
 */

/** A lifecycle action event, as EventBridge delivers it. */
export interface LifecycleEventOptions {
  readonly transition: 'launching' | 'terminating';
  readonly region?: string;
  readonly asgName?: string;
  readonly instanceId?: string;
  readonly token?: string;
  readonly hookName?: string;
  readonly origin?: string;
  readonly destination?: string;
}

/** An "EC2 Instance-launch/terminate Lifecycle Action" event. */
export const lifecycleEvent = (options: LifecycleEventOptions) => {
  const launching = options.transition === 'launching';
  const places = launching
    ? { origin: 'EC2', destination: 'AutoScalingGroup' }
    : { origin: 'AutoScalingGroup', destination: 'EC2' };

  return {
    version: '0',
    id: '12345678-1234-1234-1234-123456789012',
    'detail-type': launching
      ? 'EC2 Instance-launch Lifecycle Action'
      : 'EC2 Instance-terminate Lifecycle Action',
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2021-01-13T00:12:37.214Z',
    region: options.region ?? 'us-east-1',
    resources: [
      'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:' +
        '11111111-2222-3333-4444-555555555555:autoScalingGroupName/db-use1',
    ],
    detail: {
      LifecycleActionToken:
        options.token ?? '87654321-4321-4321-4321-210987654321',
      AutoScalingGroupName: options.asgName ?? 'db-use1',
      LifecycleHookName: options.hookName ?? `sgsync-${hookOf(launching)}`,
      EC2InstanceId: options.instanceId ?? 'i-1234567890abcdef0',
      LifecycleTransition: launching
        ? 'autoscaling:EC2_INSTANCE_LAUNCHING'
        : 'autoscaling:EC2_INSTANCE_TERMINATING',
      NotificationMetadata: 'additional-info',
      Origin: options.origin ?? places.origin,
      Destination: options.destination ?? places.destination,
    },
  };
};

const hookOf = (launching: boolean) => (launching ? 'launch' : 'terminate');

/** The message Auto Scaling sends when a hook's target is set up. */
export const testNotification = {
  AccountId: '123456789012',
  RequestId: '4e6156f4-a9e2-4bda-a7fd-33f2ae528958',
  AutoScalingGroupARN:
    'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:' +
    '11111111-2222-3333-4444-555555555555:autoScalingGroupName/db-use1',
  AutoScalingGroupName: 'db-use1',
  Service: 'AWS Auto Scaling',
  Event: 'autoscaling:TEST_NOTIFICATION',
  Time: '2021-01-19T00:36:26.533Z',
};

/** An EventBridge scheduled event. */
export const scheduledEvent = (region = 'us-east-1') => ({
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2016-12-30T18:44:49Z',
  region,
  resources: [`arn:aws:events:${region}:123456789012:rule/sgsync-true-up`],
  detail: {},
});

/** Another region's change notice, as EventBridge delivers it. */
export const noticeEvent = (
  options: {
    readonly region?: string;
    readonly fromRegion?: string;
    readonly cluster?: string;
    readonly version?: number;
  } = {},
) => {
  const cluster = options.cluster ?? 'orders-db';
  const fromRegion = options.fromRegion ?? 'eu-west-1';

  return {
    version: '0',
    id: 'f3c5b0f6-9f5e-4b59-9bd3-000000000001',
    'detail-type': 'sgsync.stream-changed',
    source: 'sgsync',
    account: '123456789012',
    time: '2026-01-01T00:00:05Z',
    region: options.region ?? 'us-east-1',
    resources: [],
    detail: {
      cluster,
      fromRegion,
      stream: `${cluster}/${fromRegion}`,
      version: options.version ?? 1,
      sentAt: '2026-01-01T00:00:04.000Z',
    },
  };
};

/** A two-region cluster. */
export const rawConfig = {
  cluster: 'orders-db',
  regions: [
    {
      name: 'us-east-1',
      asgNames: ['db-use1'],
      securityGroupIds: ['sg-0123456789abcdef0'],
      eventTable: 'sgsync-events',
    },
    {
      name: 'eu-west-1',
      asgNames: ['db-euw1'],
      securityGroupIds: ['sg-0fedcba9876543210'],
      eventTable: 'sgsync-events',
    },
  ],
  rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
};

/** The environment of the us-east-1 function of {@link rawConfig}. */
export const envOf = (region = 'us-east-1', config: unknown = rawConfig) => ({
  AWS_REGION: region,
  SGSYNC_CONFIG: JSON.stringify(config),
});

import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  AwsCallCounter,
  clientConfig,
  createAwsRegionPorts,
  type AwsClientOptions,
} from '@sgsync/aws-adapters';
import {
  decide,
  handleLifecycleEvent,
  handleRemoteChange,
  initialState,
  streamName,
  trueUp,
  type ChangeNotice,
  type ClusterConfig,
  type EventStore,
  type MembershipEvent,
  type RegionContext,
  type RunReport,
} from '@sgsync/core';
import {
  asgOf,
  benchConfig,
  membersIn,
  ObservationTally,
  REGIONS,
  tallied,
  type CallRow,
  type FlowCalls,
} from './scenario.js';

/** moto refuses more than 60 inbound rules in a VPC security group. */
export const MOTO_RULES_PER_GROUP = 60;

/** Events per append: DynamoDB takes 100 items in one transaction. */
const APPEND_CHUNK = 99;

const TABLE = 'sgsync-events';

// moto accepts any credentials; the SDK reads these from the environment.
const fakeCredentials = (): void => {
  process.env['AWS_ACCESS_KEY_ID'] = 'bench';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'bench';
  delete process.env['AWS_PROFILE'];
};

interface Fixture {
  readonly config: ClusterConfig;
  readonly counter: AwsCallCounter;
  readonly tally: ObservationTally;
  readonly contexts: ReadonlyMap<string, RegionContext>;
  readonly regions: readonly string[];
  readonly autoScaling: AutoScalingClient;
}

/**
 * Counts the AWS calls of a lifecycle event and of a true-up on moto, as
 * {@link memoryCallRow} does in memory. Only the first region has real
 * instances; the other regions' streams hold members recorded directly,
 * since their groups are never observed by these flows.
 */
export const motoCallRow = async (
  endpoint: string,
  regions: number,
  members: number,
): Promise<CallRow> => {
  fakeCredentials();
  await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  const fixture = await converged(endpoint, regions, members - 1);
  const lifecycle = await lifecycleCalls(fixture);
  const trueUpCalls = await trueUpOnly(fixture);
  const kinds = failureKinds([...lifecycle.reports, ...trueUpCalls.reports]);

  return {
    regions,
    members,
    lifecycle: lifecycle.calls,
    trueUp: trueUpCalls.calls,
    ...(kinds.length > 0 ? { remark: kinds.join(', ') } : {}),
  };
};

const options = (endpoint: string): AwsClientOptions => ({
  endpoint,
  maxAttempts: 1,
  requestTimeoutMs: 120_000,
});

const converged = async (
  endpoint: string,
  regionCount: number,
  members: number,
): Promise<Fixture> => {
  const names = REGIONS.slice(0, regionCount);
  const groups = await Promise.all(
    names.map((r) => regionFixture(endpoint, r)),
  );
  const config = benchConfig({
    regions: regionCount,
    securityGroupIds: groups,
    rulesPerGroup: MOTO_RULES_PER_GROUP,
  });
  const local = names[0] ?? '';
  const autoScaling = new AutoScalingClient(
    clientConfig(local, options(endpoint)),
  );
  await createGroup(endpoint, local, membersIn(members, regionCount, 0));
  const counter = new AwsCallCounter();
  const tally = new ObservationTally();
  const contexts = new Map(
    names.map((r) => [
      r,
      tallied(
        config,
        createAwsRegionPorts(config, r, {
          ...options(endpoint),
          counter,
          sleep: async () => undefined,
        }),
        tally,
      ),
    ]),
  );
  const fixture = {
    config,
    counter,
    tally,
    contexts,
    regions: names,
    autoScaling,
  };
  await seedStreams(fixture, members);
  await trueUp(contextOf(fixture, local));
  await noticeEverywhere(fixture);

  return fixture;
};

/** Creates a region's event table and security group; returns the group. */
const regionFixture = async (
  endpoint: string,
  region: string,
): Promise<string> => {
  const config = clientConfig(region, options(endpoint));
  await new DynamoDBClient(config).send(
    new CreateTableCommand({
      TableName: TABLE,
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
  const group = await new EC2Client(config).send(
    new CreateSecurityGroupCommand({
      GroupName: `bench-${region}`,
      Description: 'sgsync benchmark target',
    }),
  );

  return group.GroupId ?? '';
};

const createGroup = async (
  endpoint: string,
  region: string,
  size: number,
): Promise<void> => {
  const config = clientConfig(region, options(endpoint));
  const template = await new EC2Client(config).send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `bench-${region}`,
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
    }),
  );
  await new AutoScalingClient(config).send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgOf(region),
      MinSize: 0,
      MaxSize: 5000,
      DesiredCapacity: size,
      LaunchTemplate: {
        LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId ?? '',
        Version: '$Latest',
      },
      AvailabilityZones: [`${region}a`],
    }),
  );
};

/**
 * Records the first region's instances as a true-up would, and made-up
 * members in every other region's own stream, in appends DynamoDB takes.
 */
const seedStreams = async (f: Fixture, members: number): Promise<void> => {
  const [local, ...remotes] = f.regions;
  const ctx = contextOf(f, local ?? '');
  const observed = await ctx.ports.membership.observe([asgOf(local ?? '')]);
  const events = decide(
    {
      type: 'RecordTrueUp',
      instances: observed._unsafeUnwrap().instances,
      observedAt: new Date().toISOString(),
    },
    initialState(),
  );
  await appendAll(f, local ?? '', events);
  for (const [i, remote] of remotes.entries()) {
    const count = membersIn(members, f.regions.length, i + 1);
    await appendAll(f, remote, madeUpMembers(remote, i + 1, count));
  }
};

const madeUpMembers = (
  region: string,
  index: number,
  count: number,
): MembershipEvent[] =>
  Array.from({ length: count }, (_, n) => ({
    type: 'MemberJoined',
    data: {
      instanceId: `i-${(index * 100_000 + n).toString(16).padStart(17, '0')}`,
      asgName: asgOf(region),
      addresses: { publicIpv4: `198.51.${index * 10 + (n >> 8)}.${n & 255}` },
      cause: 'true-up',
      observedAt: '2026-01-01T00:00:00.000Z',
    },
  }));

const appendAll = async (
  f: Fixture,
  region: string,
  events: readonly MembershipEvent[],
): Promise<void> => {
  const store = storeOf(f, region);
  const stream = streamName(f.config.cluster, region);
  for (let i = 0; i < events.length; i += APPEND_CHUNK) {
    const appended = await store.appendToStream(
      stream,
      i,
      events.slice(i, i + APPEND_CHUNK),
    );
    if (appended.isErr()) throw new Error(appended.error.message);
  }
};

/** Runs what a change notice from the first region starts elsewhere. */
const noticeEverywhere = async (f: Fixture): Promise<RunReport[]> => {
  const [local, ...remotes] = f.regions;
  const notice: ChangeNotice = {
    cluster: f.config.cluster,
    fromRegion: local ?? '',
    stream: streamName(f.config.cluster, local ?? ''),
    version: 0,
    sentAt: new Date().toISOString(),
  };

  return Promise.all(
    remotes.map((r) => handleRemoteChange(contextOf(f, r), notice)),
  );
};

/** What a measured flow cost, and the reports of its runs. */
interface Measured {
  readonly calls: FlowCalls;
  readonly reports: readonly RunReport[];
}

/**
 * The kinds of failure the runs reported, with their steps, except the
 * completion of the lifecycle action, which moto does not implement.
 */
const failureKinds = (reports: readonly RunReport[]): string[] => [
  ...new Set(
    reports
      .flatMap((r) => r.failures)
      .filter((f) => f.step !== 'complete')
      .map((f) => `${f.step}: ${f.error.kind}`),
  ),
];

const lifecycleCalls = async (f: Fixture): Promise<Measured> => {
  const local = f.regions[0] ?? '';
  const before = await instanceIds(f, local);
  await f.autoScaling.send(
    new SetDesiredCapacityCommand({
      AutoScalingGroupName: asgOf(local),
      DesiredCapacity: before.length + 1,
    }),
  );
  const launched = (await instanceIds(f, local)).find(
    (id) => !before.includes(id),
  );
  reset(f);
  const report = await handleLifecycleEvent(contextOf(f, local), {
    transition: 'launching',
    action: {
      asgName: asgOf(local),
      hookName: 'bench-launch',
      token: 'bench-token',
      instanceId: launched ?? '',
    },
  });
  const localCalls = f.counter.total();
  const remote = await noticeEverywhere(f);

  return { calls: flowCalls(f, localCalls), reports: [report, ...remote] };
};

const trueUpOnly = async (f: Fixture): Promise<Measured> => {
  reset(f);
  const report = await trueUp(contextOf(f, f.regions[0] ?? ''));

  return { calls: flowCalls(f, f.counter.total()), reports: [report] };
};

const instanceIds = async (f: Fixture, region: string): Promise<string[]> => {
  const out = await f.autoScaling.send(
    new DescribeAutoScalingGroupsCommand({
      AutoScalingGroupNames: [asgOf(region)],
    }),
  );

  return (out.AutoScalingGroups?.[0]?.Instances ?? []).map(
    (i) => i.InstanceId ?? '',
  );
};

const flowCalls = (f: Fixture, localCalls: number): FlowCalls => {
  const operations = shortNames(f.counter.byOperation());
  const total = f.counter.total();
  const describes = operations['DescribeInstances'] ?? 0;

  return {
    local: localCalls,
    remote: total - localCalls,
    naive: total - describes + f.tally.instances,
    operations,
  };
};

/** `EC2Client:DescribeInstancesCommand` as `DescribeInstances`. */
const shortNames = (
  counts: Readonly<Record<string, number>>,
): Record<string, number> => {
  const named: Record<string, number> = {};
  for (const [key, n] of Object.entries(counts)) {
    const name = (key.split(':')[1] ?? key).replace(/Command$/, '');
    named[name] = (named[name] ?? 0) + n;
  }

  return named;
};

const reset = (f: Fixture): void => {
  f.counter.reset();
  f.tally.reset();
};

const contextOf = (f: Fixture, region: string): RegionContext => {
  const ctx = f.contexts.get(region);
  if (ctx === undefined) throw new Error(`no context for ${region}`);

  return ctx;
};

const storeOf = (f: Fixture, region: string): EventStore => {
  const store = contextOf(f, region).ports.stores.get(region);
  if (store === undefined) throw new Error(`no store for ${region}`);

  return store;
};

import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateEventBusCommand,
  EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import {
  clientConfig,
  createAwsRegionPorts,
  type AwsRegionPortsOptions,
} from '@sgsync/aws-adapters';
import {
  createRegionContext,
  parseClusterConfig,
  type ChangeNotice,
  type ClusterConfig,
  type EventStore,
  type RegionContext,
  type RegionPorts,
} from '@sgsync/core';

let counter = 0;
const unique = (prefix: string): string =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter += 1)}`;

/** Raw SDK clients of one region, on that region's moto server. */
export const sdkClients = (region: string, endpoint: string) => {
  const config = clientConfig(region, { endpoint, maxAttempts: 2 });

  return {
    ec2: new EC2Client(config),
    autoScaling: new AutoScalingClient(config),
    dynamoDb: new DynamoDBClient(config),
    eventBridge: new EventBridgeClient(config),
  };
};

type Clients = ReturnType<typeof sdkClients>;

/** One region's resources on its moto server. */
export interface AwsRegion {
  readonly name: string;
  readonly endpoint: string;
  readonly clients: Clients;
  readonly asgName: string;
  readonly groupId: string;
}

const createRegion = async (name: string, endpoint: string) => {
  const clients = sdkClients(name, endpoint);
  const template = await clients.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: unique('sim-lt'),
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
    }),
  );
  const asgName = unique('sim-asg');
  await clients.autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgName,
      MinSize: 0,
      MaxSize: 10,
      DesiredCapacity: 1,
      LaunchTemplate: {
        LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId ?? '',
        Version: '$Latest',
      },
      AvailabilityZones: [`${name}a`],
    }),
  );
  const group = await clients.ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: unique('sim-target'),
      Description: 'sgsync simulation target',
    }),
  );
  const eventTable = unique('sim-events');
  await clients.dynamoDb.send(
    new CreateTableCommand({
      TableName: eventTable,
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
  const eventBus = unique('sim-bus');
  await clients.eventBridge.send(new CreateEventBusCommand({ Name: eventBus }));
  const region: AwsRegion = {
    name,
    endpoint,
    clients,
    asgName,
    groupId: group.GroupId ?? '',
  };

  return {
    region,
    config: {
      name,
      asgNames: [asgName],
      securityGroupIds: [region.groupId],
      eventTable,
      eventBus,
    },
  };
};

/**
 * A cluster of two regions, each on its own moto server, and the ports
 * of each region: its own services through its server, every region's
 * store and bus through that region's server. Notices that the notifier
 * delivers are also kept, so that the test can hand them to the
 * receiving region as EventBridge would.
 */
export class AwsWorld {
  readonly config: ClusterConfig;
  readonly regions: readonly AwsRegion[];
  readonly inboxes = new Map<string, ChangeNotice[]>();
  private readonly ports = new Map<string, RegionPorts>();

  private constructor(config: ClusterConfig, regions: AwsRegion[]) {
    this.config = config;
    this.regions = regions;
    for (const r of regions) this.inboxes.set(r.name, []);
  }

  /** Creates the resources of each region on its server. */
  static async create(
    endpoints: Readonly<Record<string, string>>,
  ): Promise<AwsWorld> {
    const made = [];
    for (const [name, endpoint] of Object.entries(endpoints)) {
      made.push(await createRegion(name, endpoint));
    }
    const config = parseClusterConfig({
      cluster: unique('sim-moto'),
      regions: made.map((m) => m.config),
      rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
    })._unsafeUnwrap();

    return new AwsWorld(
      config,
      made.map((m) => m.region),
    );
  }

  /** A region by name. */
  region(name: string): AwsRegion {
    const found = this.regions.find((r) => r.name === name);
    if (!found) throw new Error(`no region ${name}`);

    return found;
  }

  /** Ports built for `region`, with every client on `via`'s server. */
  private portsVia(region: string, via: string): RegionPorts {
    const key = `${region}|${via}`;
    const cached = this.ports.get(key);
    if (cached) return cached;

    const options: AwsRegionPortsOptions = {
      endpoint: this.region(via).endpoint,
      connectionTimeoutMs: 500,
      requestTimeoutMs: 1500,
      maxAttempts: 1,
      addressAttempts: 1,
    };
    const built = createAwsRegionPorts(this.config, region, options);
    this.ports.set(key, built);

    return built;
  }

  /** The event store of a region, on that region's server. */
  storeOf(region: string): EventStore {
    const store = this.portsVia(region, region).stores.get(region);
    if (!store) throw new Error(`no store for ${region}`);

    return store;
  }

  /** The use-case context of a region, each call routed to its server. */
  contextOf(region: string): RegionContext {
    const local = this.portsVia(region, region);
    const ports: RegionPorts = {
      ...local,
      notifier: {
        notify: (to, notice) =>
          this.portsVia(region, to)
            .notifier.notify(to, notice)
            .map(() => {
              this.inboxes.get(to)?.push(notice);
            }),
      },
      stores: new Map(this.regions.map((r) => [r.name, this.storeOf(r.name)])),
    };

    return createRegionContext(this.config, ports)._unsafeUnwrap();
  }

  /** Sets a region's group size; moto launches or terminates at once. */
  async resize(region: string, size: number): Promise<void> {
    const r = this.region(region);
    await r.clients.autoScaling.send(
      new SetDesiredCapacityCommand({
        AutoScalingGroupName: r.asgName,
        DesiredCapacity: size,
      }),
    );
  }

  /** The public addresses (as /32) of a region's running instances. */
  async memberCidrs(region: string): Promise<string[]> {
    const r = this.region(region);
    const groups = await r.clients.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({
        AutoScalingGroupNames: [r.asgName],
      }),
    );
    const ids = (groups.AutoScalingGroups?.[0]?.Instances ?? [])
      .filter((i) => /^(InService|Pending)/.test(i.LifecycleState ?? ''))
      .map((i) => i.InstanceId ?? '');
    if (ids.length === 0) return [];
    const described = await r.clients.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: ids }),
    );

    return (described.Reservations ?? [])
      .flatMap((res) => res.Instances ?? [])
      .filter((i) => i.PublicIpAddress)
      .map((i) => `${i.PublicIpAddress}/32`);
  }

  /** Adds an operator's rule by hand; returns its source. */
  async addOperatorRule(region: string, n: number): Promise<string> {
    const cidr = `198.51.100.${n}/32`;
    await this.region(region).clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: this.region(region).groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: cidr, Description: 'office ssh' }],
          },
        ],
      }),
    );

    return cidr;
  }

  /** Revokes a rule by its id, behind sgsync's back. */
  async revokeRule(region: string, ruleId: string): Promise<void> {
    await this.region(region).clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: this.region(region).groupId,
        SecurityGroupRuleIds: [ruleId],
      }),
    );
  }
}

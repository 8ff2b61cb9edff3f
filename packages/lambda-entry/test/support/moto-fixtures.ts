/**
 * What the end-to-end test arranges on moto, called over HTTP in the
 * services' own protocols (this package has no SDK clients of its own):
 * launch templates, Auto Scaling groups, security groups, event tables.
 */

// moto accepts any credentials; the SDK's default chain reads these.
process.env['AWS_ACCESS_KEY_ID'] = 'testing';
process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
process.env['AWS_SESSION_TOKEN'] = 'testing';
delete process.env['AWS_PROFILE'];

/** The moto server's address, which `scripts/with-moto.sh` sets. */
export const motoEndpoint = (): string => {
  const endpoint = process.env['SGSYNC_MOTO_ENDPOINT'];
  if (!endpoint) {
    throw new Error(
      'SGSYNC_MOTO_ENDPOINT is not set: run the aws tests with ' +
        '`bash scripts/with-moto.sh pnpm exec vitest run --project aws`.',
    );
  }

  return endpoint;
};

let counter = 0;

/** A name no other test run uses. */
export const uniqueName = (prefix: string): string => {
  counter += 1;

  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
};

const authorization = (region: string, service: string): string =>
  `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/${service}/` +
  'aws4_request, SignedHeaders=host, Signature=0';

const query = async (
  region: string,
  service: 'ec2' | 'autoscaling',
  params: Record<string, string | number>,
): Promise<string> => {
  const version = service === 'ec2' ? '2016-11-15' : '2011-01-01';
  const body = new URLSearchParams(
    Object.entries({ ...params, Version: version }).map(
      ([k, v]): [string, string] => [k, String(v)],
    ),
  );
  const response = await fetch(motoEndpoint(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: authorization(region, service),
    },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${params['Action']}: ${text}`);

  return text;
};

const tagValues = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map(
    (m) => m[1] ?? '',
  );

/** Creates a security group in the region's default VPC. */
export const createSecurityGroup = async (region: string): Promise<string> => {
  const xml = await query(region, 'ec2', {
    Action: 'CreateSecurityGroup',
    GroupName: uniqueName('sgsync-e2e'),
    GroupDescription: 'sgsync end-to-end target',
  });

  return tagValues(xml, 'groupId')[0] ?? '';
};

/** Creates an Auto Scaling group of `size` instances; moto starts them. */
export const createGroup = async (
  region: string,
  size: number,
): Promise<string> => {
  const template = await query(region, 'ec2', {
    Action: 'CreateLaunchTemplate',
    LaunchTemplateName: uniqueName('sgsync-e2e-lt'),
    'LaunchTemplateData.ImageId': 'ami-12c6146b',
    'LaunchTemplateData.InstanceType': 't3.micro',
  });
  const asgName = uniqueName('sgsync-e2e-asg');
  await query(region, 'autoscaling', {
    Action: 'CreateAutoScalingGroup',
    AutoScalingGroupName: asgName,
    MinSize: 0,
    MaxSize: 10,
    DesiredCapacity: size,
    'LaunchTemplate.LaunchTemplateId':
      tagValues(template, 'launchTemplateId')[0] ?? '',
    'LaunchTemplate.Version': '$Latest',
    'AvailabilityZones.member.1': `${region}a`,
  });

  return asgName;
};

/** The ids of a group's instances that are not leaving, sorted. */
export const groupInstances = async (
  region: string,
  asgName: string,
): Promise<string[]> => {
  const xml = await query(region, 'autoscaling', {
    Action: 'DescribeAutoScalingGroups',
    'AutoScalingGroupNames.member.1': asgName,
  });
  const ids = tagValues(xml, 'InstanceId');
  const states = tagValues(xml, 'LifecycleState');

  return ids.filter((_, i) => !(states[i] ?? '').startsWith('Terminat')).sort();
};

/** Sets a group's size; returns the ids that came and went. */
export const resizeGroup = async (
  region: string,
  asgName: string,
  size: number,
): Promise<{ launched: string[]; terminated: string[] }> => {
  const before = await groupInstances(region, asgName);
  await query(region, 'autoscaling', {
    Action: 'SetDesiredCapacity',
    AutoScalingGroupName: asgName,
    DesiredCapacity: size,
  });
  const after = await groupInstances(region, asgName);

  return {
    launched: after.filter((id) => !before.includes(id)),
    terminated: before.filter((id) => !after.includes(id)),
  };
};

/** Creates an event table with the documented key schema. */
export const createEventTable = async (region: string): Promise<string> => {
  const tableName = uniqueName('sgsync-e2e-events');
  const response = await fetch(motoEndpoint(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.CreateTable',
      authorization: authorization(region, 'dynamodb'),
    },
    body: JSON.stringify({
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
  });
  if (!response.ok) throw new Error(`CreateTable: ${await response.text()}`);

  return tableName;
};

import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import {
  AutoScalingMembershipSource,
  lifecycleStateOf,
  primaryIpv6,
} from '@sgsync/aws-adapters';
import type { AddressKind } from '@sgsync/core';
import { errOf, okOf } from '@sgsync/core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { serviceError } from './support/sdk-errors.js';

const autoScaling = mockClient(AutoScalingClient);
const ec2 = mockClient(EC2Client);

const waits: number[] = [];

const source = (addressKind: AddressKind = 'public-ipv4', attempts = 3) =>
  new AutoScalingMembershipSource({
    autoScaling: new AutoScalingClient({ region: 'eu-west-1' }),
    ec2: new EC2Client({ region: 'eu-west-1' }),
    region: 'eu-west-1',
    addressKind,
    addressAttempts: attempts,
    addressBackoffMs: 100,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });

const groupOf = (ids: readonly string[], state = 'InService') => ({
  AutoScalingGroups: [
    {
      AutoScalingGroupName: 'orders',
      MinSize: 0,
      MaxSize: 9,
      DesiredCapacity: ids.length,
      DefaultCooldown: 0,
      AvailabilityZones: [],
      HealthCheckType: 'EC2',
      CreatedTime: new Date(0),
      Instances: ids.map((InstanceId) => ({
        InstanceId,
        LifecycleState: state as 'InService',
        AvailabilityZone: 'eu-west-1a',
        HealthStatus: 'Healthy',
        ProtectedFromScaleIn: false,
      })),
    },
  ],
});

const instancesOf = (instances: readonly Instance[]) => ({
  Reservations: [{ Instances: [...instances] }],
});

const withPublic = (id: string, n: number): Instance => ({
  InstanceId: id,
  PrivateIpAddress: `10.0.0.${n}`,
  PublicIpAddress: `203.0.113.${n}`,
});

describe('AutoScalingMembershipSource with SDK stubs', () => {
  beforeEach(() => {
    autoScaling.reset();
    ec2.reset();
    waits.length = 0;
  });

  it('looks again, with a doubling wait, for an address assigned late (SDK stub)', async () => {
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(groupOf(['i-a', 'i-b']));
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(instancesOf([withPublic('i-a', 1), { InstanceId: 'i-b' }]))
      .resolvesOnce(
        instancesOf([{ InstanceId: 'i-b', PrivateIpAddress: '10.0.0.2' }]),
      )
      .resolvesOnce(instancesOf([withPublic('i-b', 2)]));

    const observation = await okOf(source().observe(['orders']));

    const calls = ec2.commandCalls(DescribeInstancesCommand);
    expect(
      calls.map((c) => c.args[0].input.Filters?.[0]?.Values),
    ).toStrictEqual([['i-a', 'i-b'], ['i-b'], ['i-b']]);
    expect(waits).toStrictEqual([100, 200]);
    expect(observation.instances.map((i) => i.addressPending)).toStrictEqual([
      false,
      false,
    ]);
    expect(observation.instances[1]?.addresses.publicIpv4).toBe('203.0.113.2');
  });

  it('reports an instance still without its address as pending, not dropped (SDK stub)', async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(groupOf(['i-a']));
    ec2
      .on(DescribeInstancesCommand)
      .resolves(
        instancesOf([{ InstanceId: 'i-a', PrivateIpAddress: '10.0.0.1' }]),
      );

    const observation = await okOf(
      source('public-ipv4', 2).observe(['orders']),
    );

    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
    expect(observation.instances).toStrictEqual([
      {
        instanceId: 'i-a',
        asgName: 'orders',
        state: 'in-service',
        addresses: { privateIpv4: '10.0.0.1' },
        addressPending: true,
      },
    ]);
  });

  it('reports an instance EC2 does not describe as addresses unknown (SDK stub)', async () => {
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(groupOf(['i-a', 'i-b']));
    ec2
      .on(DescribeInstancesCommand)
      .resolves(instancesOf([withPublic('i-a', 1)]));

    const observation = await okOf(source().observe(['orders']));

    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(3);
    expect(observation.instances[1]).toStrictEqual({
      instanceId: 'i-b',
      asgName: 'orders',
      state: 'in-service',
      addresses: {},
      addressPending: true,
      addressesKnown: false,
    });
    expect(observation.instances[0]).not.toHaveProperty('addressesKnown');
  });

  it('reports a leaving instance EC2 does not describe as unknown, not pending (SDK stub)', async () => {
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(groupOf(['i-a'], 'Detaching'));
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    const observation = await okOf(source().observe(['orders']));

    expect(observation.instances[0]).toMatchObject({
      state: 'detaching',
      addressPending: false,
      addressesKnown: false,
    });
  });

  it('keeps the addresses of an earlier look when a later one misses the instance (SDK stub)', async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(groupOf(['i-a']));
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(
        instancesOf([{ InstanceId: 'i-a', PrivateIpAddress: '10.0.0.1' }]),
      )
      .resolves({ Reservations: [] });

    const observation = await okOf(source().observe(['orders']));

    expect(observation.instances[0]).toStrictEqual({
      instanceId: 'i-a',
      asgName: 'orders',
      state: 'in-service',
      addresses: { privateIpv4: '10.0.0.1' },
      addressPending: true,
    });
  });

  it('reads the first IPv6 address of the primary interface (SDK stub)', async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(groupOf(['i-a']));
    ec2.on(DescribeInstancesCommand).resolves(
      instancesOf([
        {
          InstanceId: 'i-a',
          NetworkInterfaces: [
            {
              Attachment: { DeviceIndex: 1 },
              Ipv6Addresses: [{ Ipv6Address: '2001:db8::9' }],
            },
            {
              Attachment: { DeviceIndex: 0 },
              Ipv6Addresses: [
                { Ipv6Address: '2001:db8::1' },
                { Ipv6Address: '2001:db8::2' },
              ],
            },
          ],
        },
      ]),
    );

    const observation = await okOf(source('ipv6').observe(['orders']));

    expect(observation.instances[0]?.addresses).toStrictEqual({
      ipv6: '2001:db8::1',
    });
    expect(waits).toStrictEqual([]);
  });

  it('chooses the same IPv6 address whatever order EC2 lists them in (SDK stub)', async () => {
    const listed = ['2001:db8::20', '2001:DB8::3', '2001:db8:0:0::1f'];
    const orders = [listed, [...listed].reverse(), [listed[1], listed[0]]];
    const chosen = orders.map((order) =>
      primaryIpv6({
        InstanceId: 'i-a',
        NetworkInterfaces: [
          {
            Attachment: { DeviceIndex: 0 },
            Ipv6Addresses: (order as string[]).map((Ipv6Address) => ({
              Ipv6Address,
            })),
          },
        ],
      }),
    );

    expect(chosen).toStrictEqual([
      '2001:db8::1f',
      '2001:db8::1f',
      '2001:db8::20',
    ]);
  });

  it('prefers the address EC2 marks as the primary IPv6 address (SDK stub)', () => {
    const chosen = primaryIpv6({
      InstanceId: 'i-a',
      Ipv6Address: '2001:db8::7',
      NetworkInterfaces: [
        {
          Attachment: { DeviceIndex: 0 },
          Ipv6Addresses: [
            { Ipv6Address: '2001:db8::1' },
            { Ipv6Address: '2001:DB8::9', IsPrimaryIpv6: true },
          ],
        },
      ],
    });

    expect(chosen).toBe('2001:db8::9');
  });

  it('falls back to the instance IPv6 address without a primary interface list (SDK stub)', () => {
    expect(
      primaryIpv6({ InstanceId: 'i-a', Ipv6Address: '2001:db8:0::5' }),
    ).toBe('2001:db8::5');
    expect(primaryIpv6({ InstanceId: 'i-a' })).toBeUndefined();
  });

  it('does not wait for the address of an instance that is leaving (SDK stub)', async () => {
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(groupOf(['i-a'], 'Terminating:Wait'));
    ec2
      .on(DescribeInstancesCommand)
      .resolves(instancesOf([{ InstanceId: 'i-a' }]));

    const observation = await okOf(source().observe(['orders']));

    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
    expect(observation.instances[0]).toMatchObject({
      state: 'leaving',
      addressPending: false,
    });
  });

  it('describes 450 instances in three calls of at most 200 ids (SDK stub)', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => `i-${i}`);
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(groupOf(ids));
    ec2
      .on(DescribeInstancesCommand)
      .callsFake((input: { Filters: { Values: string[] }[] }) =>
        instancesOf(
          (input.Filters[0]?.Values ?? []).map((id, n) =>
            withPublic(id, n % 250),
          ),
        ),
      );

    const observation = await okOf(source().observe(['orders']));

    const sizes = ec2
      .commandCalls(DescribeInstancesCommand)
      .map((c) => c.args[0].input.Filters?.[0]?.Values?.length);
    expect(sizes).toStrictEqual([200, 200, 50]);
    expect(observation.instances).toHaveLength(450);
  });

  it('translates a throttled DescribeAutoScalingGroups to Throttled (SDK stub)', async () => {
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .rejects(serviceError('Throttling', 'Rate exceeded'));

    const error = await errOf(source().observe(['orders']));

    expect(error).toMatchObject({ kind: 'Throttled', service: 'autoscaling' });
    expect(error.message).toContain('orders');
  });

  it.each([
    ['Pending', 'launching'],
    ['Pending:Wait', 'launching'],
    ['Pending:Proceed', 'launching'],
    ['InService', 'in-service'],
    ['Standby', 'standby'],
    ['EnteringStandby', 'standby'],
    ['Terminating', 'leaving'],
    ['Terminating:Wait', 'leaving'],
    ['Terminating:Proceed', 'leaving'],
    ['Terminated', 'gone'],
    ['Detaching', 'detaching'],
    ['Detached', 'detaching'],
    ['Quarantined', 'detaching'],
    ['SomeStateAddedLater', 'detaching'],
    ['Warmed:Pending', 'warm-pool'],
    ['Warmed:Running', 'warm-pool'],
    ['Warmed:Hibernated', 'warm-pool'],
  ])('maps the lifecycle state %s to %s', (state, expected) => {
    expect(lifecycleStateOf(state)).toBe(expected);
  });
});

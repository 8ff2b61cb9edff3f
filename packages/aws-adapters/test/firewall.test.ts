import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { Ec2SecurityGroupFirewall } from '@sgsync/aws-adapters';
import type { Plan, Rule } from '@sgsync/core';
import { errOf, okOf } from '@sgsync/core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { networkError, serviceError } from './support/sdk-errors.js';

const ec2 = mockClient(EC2Client);
const GROUP = 'sg-0123456789abcdef0';
const marker = {
  description: 'sgsync:orders',
  tagKey: 'sgsync:cluster',
  tagValue: 'orders',
};

const TARGET = {
  region: 'eu-west-1',
  kind: 'security-group',
  id: GROUP,
} as const;

/** An inbound rule whose source is a managed prefix list. */
const listRule = (id: string, prefixListId: string) => ({
  SecurityGroupRuleId: id,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 443,
  ToPort: 443,
  PrefixListId: prefixListId,
});

const firewall = () =>
  new Ec2SecurityGroupFirewall({
    client: new EC2Client({ region: 'eu-west-1' }),
    region: 'eu-west-1',
  });

const tcp = (cidr: string, fromPort = 7000, toPort = 7001): Rule => ({
  protocol: 'tcp',
  fromPort,
  toPort,
  cidr,
});

const planOf = (
  authorize: readonly Rule[],
  revoke: readonly string[] = [],
): Plan => ({
  target: { region: 'eu-west-1', kind: 'security-group', id: GROUP },
  authorize,
  revoke: revoke.map((ruleId) => ({ ruleId, rule: tcp('192.0.2.1/32') })),
  marker,
});

describe('Ec2SecurityGroupFirewall with SDK stubs', () => {
  beforeEach(() => ec2.reset());

  it('sends a multi-permission plan as one all-or-nothing call (SDK stub)', async () => {
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });
    const plan = planOf([
      tcp('203.0.113.1/32'),
      tcp('203.0.113.2/32'),
      tcp('2001:db8::1/128'),
      tcp('203.0.113.1/32', 9042, 9042),
    ]);

    const outcome = await okOf(firewall().applyPlan(plan));

    const calls = ec2.commandCalls(AuthorizeSecurityGroupIngressCommand);
    expect(outcome).toStrictEqual({ authorized: 4, revoked: 0, calls: 1 });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toStrictEqual({
      GroupId: GROUP,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 7000,
          ToPort: 7001,
          IpRanges: [
            { CidrIp: '203.0.113.1/32', Description: marker.description },
            { CidrIp: '203.0.113.2/32', Description: marker.description },
          ],
          Ipv6Ranges: [
            { CidrIpv6: '2001:db8::1/128', Description: marker.description },
          ],
        },
        {
          IpProtocol: 'tcp',
          FromPort: 9042,
          ToPort: 9042,
          IpRanges: [
            { CidrIp: '203.0.113.1/32', Description: marker.description },
          ],
          Ipv6Ranges: [],
        },
      ],
      TagSpecifications: [
        {
          ResourceType: 'security-group-rule',
          Tags: [{ Key: 'sgsync:cluster', Value: 'orders' }],
        },
      ],
    });
  });

  it('reports a refused multi-permission call as Stale, naming the rules (SDK stub)', async () => {
    ec2
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejects(serviceError('InvalidPermission.Duplicate'));

    const error = await errOf(
      firewall().applyPlan(
        planOf([tcp('203.0.113.1/32'), tcp('203.0.113.2/32')]),
      ),
    );

    expect(error).toMatchObject({
      kind: 'Stale',
      target: GROUP,
      code: 'InvalidPermission.Duplicate',
    });
    expect(error.message).toContain('tcp 7000-7001 203.0.113.2/32');
  });

  it('revokes by rule ids in one call before authorizing (SDK stub)', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });

    const outcome = await okOf(
      firewall().applyPlan(planOf([tcp('203.0.113.9/32')], ['sgr-1', 'sgr-2'])),
    );

    expect(outcome).toStrictEqual({ authorized: 1, revoked: 2, calls: 2 });
    expect(
      ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input,
    ).toStrictEqual({
      GroupId: GROUP,
      SecurityGroupRuleIds: ['sgr-1', 'sgr-2'],
    });
  });

  it.each([
    ['InvalidPermission.NotFound', 'Stale'],
    ['InvalidSecurityGroupRuleId.NotFound', 'Stale'],
    ['InvalidGroup.NotFound', 'NotFound'],
    ['UnauthorizedOperation', 'Rejected'],
  ])(
    'translates a revoke failing with %s to %s (SDK stub)',
    async (code, kind) => {
      ec2.on(RevokeSecurityGroupIngressCommand).rejects(serviceError(code));

      const error = await errOf(firewall().applyPlan(planOf([], ['sgr-1'])));

      expect(error.kind).toBe(kind);
      expect(error.message).toContain(GROUP);
    },
  );

  it('translates RulesPerSecurityGroupLimitExceeded to QuotaExceeded (SDK stub)', async () => {
    ec2
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejects(serviceError('RulesPerSecurityGroupLimitExceeded'));

    const error = await errOf(
      firewall().applyPlan(planOf([tcp('203.0.113.1/32')])),
    );

    expect(error).toMatchObject({
      kind: 'QuotaExceeded',
      target: GROUP,
      family: 'ipv4',
      quota: 60,
    });
  });

  it.each(['0.0.0.0/0', '::/0', '203.0.113.0/24', '2001:db8::/64'])(
    'refuses to open the group to %s and makes no call (SDK stub)',
    async (cidr) => {
      const error = await errOf(firewall().applyPlan(planOf([tcp(cidr)])));

      expect(error).toMatchObject({ kind: 'UnsafeRule', target: GROUP, cidr });
      expect(ec2.calls()).toHaveLength(0);
    },
  );

  it('translates throttling after the retries to Throttled (SDK stub)', async () => {
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .rejects(
        serviceError('RequestLimitExceeded', 'Request limit exceeded.', 503),
      );

    const error = await errOf(
      firewall().readRules({
        region: 'eu-west-1',
        kind: 'security-group',
        id: GROUP,
      }),
    );

    expect(error).toMatchObject({
      kind: 'Throttled',
      region: 'eu-west-1',
      service: 'ec2',
    });
  });

  it.each(['TimeoutError', 'ECONNREFUSED', 'ECONNRESET'])(
    'translates a %s to Unreachable (SDK stub)',
    async (code) => {
      ec2.on(DescribeSecurityGroupRulesCommand).rejects(networkError(code));

      const error = await errOf(
        firewall().readRules({
          region: 'eu-west-1',
          kind: 'security-group',
          id: GROUP,
        }),
      );

      expect(error).toMatchObject({ kind: 'Unreachable', service: 'ec2' });
      expect(error.message).toContain(GROUP);
    },
  );

  it('reads inbound rules only, in the core terms (SDK stub)', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-e',
          IsEgress: true,
          IpProtocol: '-1',
          CidrIpv4: '0.0.0.0/0',
        },
        {
          SecurityGroupRuleId: 'sgr-a',
          IsEgress: false,
          IpProtocol: '-1',
          FromPort: -1,
          ToPort: -1,
          CidrIpv4: '203.0.113.1/32',
          Description: marker.description,
          Tags: [{ Key: 'sgsync:cluster', Value: 'orders' }],
        },
        {
          SecurityGroupRuleId: 'sgr-icmpv6',
          IsEgress: false,
          IpProtocol: '58',
          FromPort: -1,
          ToPort: -1,
          CidrIpv6: '2001:db8::1/128',
        },
        {
          SecurityGroupRuleId: 'sgr-g',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          ReferencedGroupInfo: { GroupId: 'sg-0fedcba9876543210' },
        },
      ],
    });

    const rules = await okOf(
      firewall().readRules({
        region: 'eu-west-1',
        kind: 'security-group',
        id: GROUP,
      }),
    );

    expect(rules).toStrictEqual([
      {
        ruleId: 'sgr-a',
        protocol: 'all',
        fromPort: -1,
        toPort: -1,
        cidr: '203.0.113.1/32',
        description: marker.description,
        tags: { 'sgsync:cluster': 'orders' },
      },
      {
        ruleId: 'sgr-icmpv6',
        protocol: 'all',
        fromPort: -1,
        toPort: -1,
        cidr: undefined,
        description: undefined,
        tags: {},
        family: 'ipv6',
      },
      {
        ruleId: 'sgr-g',
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidr: undefined,
        description: undefined,
        tags: {},
      },
    ]);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(0);
    expect(ec2.commandCalls(DescribeManagedPrefixListsCommand)).toHaveLength(0);
  });

  it('weighs prefix list references by their maximum entries, in one call (SDK stub)', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        listRule('sgr-1', 'pl-b'),
        listRule('sgr-2', 'pl-a'),
        listRule('sgr-3', 'pl-b'),
        listRule('sgr-4', 'pl-gone'),
        {
          SecurityGroupRuleId: 'sgr-5',
          IsEgress: false,
          IpProtocol: '50',
          CidrIpv4: '198.51.100.0/24',
        },
      ],
    });
    ec2.on(DescribeManagedPrefixListsCommand).resolves({
      PrefixLists: [
        { PrefixListId: 'pl-a', MaxEntries: 20, AddressFamily: 'IPv4' },
        { PrefixListId: 'pl-b', MaxEntries: 7, AddressFamily: 'IPv6' },
      ],
    });

    const rules = await okOf(firewall().readRules(TARGET));

    const calls = ec2.commandCalls(DescribeManagedPrefixListsCommand);
    expect(calls.map((c) => c.args[0].input.PrefixListIds)).toStrictEqual([
      ['pl-a', 'pl-b', 'pl-gone'],
    ]);
    expect(
      rules.map((r) => [r.ruleId, r.cidr, r.family, r.weight]),
    ).toStrictEqual([
      ['sgr-1', undefined, 'ipv6', 7],
      ['sgr-2', undefined, 'ipv4', 20],
      ['sgr-3', undefined, 'ipv6', 7],
      ['sgr-4', undefined, undefined, undefined],
      ['sgr-5', undefined, 'ipv4', undefined],
    ]);
  });

  it('translates a refused DescribeManagedPrefixLists, naming the call (SDK stub)', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [listRule('sgr-1', 'pl-a')],
    });
    ec2
      .on(DescribeManagedPrefixListsCommand)
      .rejects(serviceError('UnauthorizedOperation', 'not allowed', 403));

    const error = await errOf(firewall().readRules(TARGET));

    expect(error).toMatchObject({ kind: 'Rejected' });
    expect(error.message).toContain('DescribeManagedPrefixLists');
    expect(error.message).toContain('pl-a');
  });

  it('follows NextToken across pages of rules (SDK stub)', async () => {
    const rule = (id: string) => ({
      SecurityGroupRuleId: id,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 7000,
      ToPort: 7001,
      CidrIpv4: '203.0.113.1/32',
    });
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [rule('sgr-1')], NextToken: 'p2' })
      .resolvesOnce({ SecurityGroupRules: [rule('sgr-2')] });

    const rules = await okOf(
      firewall().readRules({
        region: 'eu-west-1',
        kind: 'security-group',
        id: GROUP,
      }),
    );

    const inputs = ec2
      .commandCalls(DescribeSecurityGroupRulesCommand)
      .map((c) => c.args[0].input);
    expect(rules.map((r) => r.ruleId)).toStrictEqual(['sgr-1', 'sgr-2']);
    // The paginator reuses one input object, so only the last token shows.
    expect(inputs).toHaveLength(2);
    expect(inputs[1]?.NextToken).toBe('p2');
    expect(inputs[0]).toMatchObject({
      Filters: [{ Name: 'group-id', Values: [GROUP] }],
      MaxResults: 1000,
    });
  });

  it('fails with NotFound when a group without rules is gone (SDK stub)', async () => {
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolves({ SecurityGroupRules: [] });
    ec2
      .on(DescribeSecurityGroupsCommand)
      .rejects(serviceError('InvalidGroup.NotFound'));

    const error = await errOf(
      firewall().readRules({
        region: 'eu-west-1',
        kind: 'security-group',
        id: GROUP,
      }),
    );

    expect(error).toMatchObject({ kind: 'NotFound' });
    expect(error.message).toContain(GROUP);
  });
});

import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  DescribeManagedPrefixListsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { Ec2SecurityGroupFirewall } from '@sgsync/aws-adapters';
import { computePlan, type Rule, type TargetRef } from '@sgsync/core';
import { CONTRACT_MARKER, okOf } from '@sgsync/core/testing';
import { describe, expect, it } from 'vitest';
import {
  addForeignRule,
  createSecurityGroup,
  fixtureClients,
} from './support/fixtures.js';
import { HARNESS_REGION } from './support/harnesses.js';
import { uniqueName } from './support/moto.js';

const QUOTA = 60;

/** Creates an empty managed prefix list; returns its id. */
const createPrefixList = async (
  ec2: EC2Client,
  maxEntries: number,
  family: 'IPv4' | 'IPv6',
): Promise<string> => {
  const out = await ec2.send(
    new CreateManagedPrefixListCommand({
      PrefixListName: uniqueName('sgsync-office'),
      MaxEntries: maxEntries,
      AddressFamily: family,
    }),
  );

  return out.PrefixList?.PrefixListId ?? '';
};

/** Opens a port of the group to a prefix list, as an operator would. */
const referenceList = async (
  ec2: EC2Client,
  groupId: string,
  prefixListId: string,
): Promise<void> => {
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          PrefixListIds: [{ PrefixListId: prefixListId }],
        },
      ],
    }),
  );
};

/** `count` member rules on port 7000, from 198.51.100.1 up. */
const members = (count: number): Rule[] =>
  Array.from({ length: count }, (_, i) => ({
    protocol: 'tcp',
    fromPort: 7000,
    toPort: 7000,
    cidr: `198.51.100.${i + 1}/32`,
  }));

/**
 * A group holding a reference to an IPv4 list of 20 maximum entries, one
 * to an IPv6 list of 50, and two IPv4 rules of an operator: 22 of its 60
 * IPv4 rules are taken.
 */
const crowdedGroup = async () => {
  const { ec2 } = fixtureClients(HARNESS_REGION);
  const groupId = await createSecurityGroup(ec2);
  await referenceList(ec2, groupId, await createPrefixList(ec2, 20, 'IPv4'));
  await referenceList(ec2, groupId, await createPrefixList(ec2, 50, 'IPv6'));
  for (const cidr of ['192.0.2.1/32', '192.0.2.2/32']) {
    await addForeignRule(ec2, groupId, {
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidr,
      description: 'operator',
    });
  }
  const target: TargetRef = {
    region: HARNESS_REGION,
    kind: 'security-group',
    id: groupId,
  };
  const firewall = new Ec2SecurityGroupFirewall({
    client: ec2,
    region: HARNESS_REGION,
  });

  return { ec2, target, firewall };
};

describe('Ec2SecurityGroupFirewall counting prefix lists, on moto', () => {
  it('reads a prefix list reference as its maximum entries, in its family', async () => {
    const { ec2, target, firewall } = await crowdedGroup();
    const calls: string[] = [];
    ec2.middlewareStack.add(
      (next, context) => (args) => {
        calls.push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'recordCallsForTest' },
    );

    const rules = await okOf(firewall.readRules(target));

    const counted = rules
      .map((r) => [r.cidr ?? r.family, r.weight ?? 1])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(counted).toStrictEqual([
      ['192.0.2.1/32', 1],
      ['192.0.2.2/32', 1],
      ['ipv4', 20],
      ['ipv6', 50],
    ]);
    expect(
      calls.filter((c) => c === DescribeManagedPrefixListsCommand.name),
    ).toHaveLength(1);
  });

  it('plans up to the quota exactly, and refuses one rule more', async () => {
    // arrange: 22 IPv4 rules taken, so 38 members fit and 39 do not
    const { target, firewall } = await crowdedGroup();
    const planFor = async (count: number) =>
      computePlan({
        target,
        desired: members(count),
        actual: await okOf(firewall.readRules(target)),
        marker: CONTRACT_MARKER,
        quota: QUOTA,
      });

    // act
    const fits = await planFor(38);
    const over = await planFor(39);
    await okOf(firewall.applyPlan(fits._unsafeUnwrap()));
    const full = await planFor(39);
    const same = await planFor(38);

    // assert
    expect(over._unsafeUnwrapErr()).toMatchObject({
      kind: 'QuotaExceeded',
      family: 'ipv4',
      needed: 61,
      quota: QUOTA,
    });
    expect(full._unsafeUnwrapErr()).toMatchObject({ needed: 61 });
    expect(same._unsafeUnwrap().authorize).toStrictEqual([]);
  });
});

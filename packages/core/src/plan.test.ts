import { describe, expect, it } from 'vitest';
import type { ManagedMarker } from './config.js';
import type { ActualRule, Rule, TargetRef } from './model.js';
import { computePlan, serialisePlan, type PlanInput } from './plan.js';

const target: TargetRef = {
  region: 'us-east-1',
  kind: 'security-group',
  id: 'sg-00000001',
};
const marker: ManagedMarker = {
  description: 'sgsync:orders-db',
  tagKey: 'sgsync:cluster',
  tagValue: 'orders-db',
};

const ownTag = { [marker.tagKey]: marker.tagValue };

const rule = (cidr: string, fromPort = 7000, toPort = 7001): Rule => ({
  protocol: 'tcp',
  fromPort,
  toPort,
  cidr,
});

const actual = (
  ruleId: string,
  r: Rule,
  description: string | undefined = marker.description,
): ActualRule => ({
  ruleId,
  ...r,
  description,
  tags: description === marker.description ? ownTag : {},
});

const input = (over: Partial<PlanInput>): PlanInput => ({
  target,
  desired: [],
  actual: [],
  marker,
  quota: 60,
  ...over,
});

describe('computePlan', () => {
  it('authorizes missing rules and revokes managed rules not desired', () => {
    // arrange
    const desired = [rule('198.51.100.2/32'), rule('198.51.100.1/32')];
    const present = [
      actual('sgr-1', rule('198.51.100.1/32')),
      actual('sgr-2', rule('203.0.113.9/32')),
    ];

    // act
    const plan = computePlan(input({ desired, actual: present }));

    // assert
    expect(plan._unsafeUnwrap().authorize).toEqual([rule('198.51.100.2/32')]);
    expect(plan._unsafeUnwrap().revoke).toEqual([
      { ruleId: 'sgr-2', rule: rule('203.0.113.9/32') },
    ]);
  });

  it('owns only a rule with both the marker description and tag', () => {
    // arrange: the description copied by hand, or the tag of another cluster
    const copied = { ...actual('sgr-1', rule('192.0.2.1/32')), tags: {} };
    const other = {
      ...actual('sgr-2', rule('192.0.2.2/32')),
      tags: { [marker.tagKey]: 'another-cluster' },
    };

    // act
    const plan = computePlan(input({ actual: [copied, other] }));

    // assert
    expect(plan._unsafeUnwrap().revoke).toEqual([]);
  });

  it('never revokes a rule it does not own', () => {
    // arrange
    const foreign = actual('sgr-9', rule('192.0.2.1/32'), 'office vpn');

    // act
    const plan = computePlan(input({ actual: [foreign] }))._unsafeUnwrap();

    // assert
    expect(plan.revoke).toEqual([]);
  });

  it('ignores descriptions and the spelling of addresses when comparing', () => {
    // arrange
    const desired = [rule('2001:db8::1/128')];
    const present = [actual('sgr-1', rule('2001:DB8:0:0::1/128'))];

    // act
    const plan = computePlan(
      input({ desired, actual: present }),
    )._unsafeUnwrap();

    // assert
    expect(plan.authorize).toEqual([]);
    expect(plan.revoke).toEqual([]);
  });

  it('leaves a desired rule to an unmanaged rule that already allows it', () => {
    // arrange
    const desired = [rule('198.51.100.1/32')];
    const present = [
      actual('sgr-1', rule('198.51.100.1/32'), 'operator'),
      actual('sgr-2', rule('198.51.100.1/32')),
    ];

    // act
    const plan = computePlan(
      input({ desired, actual: present }),
    )._unsafeUnwrap();

    // assert
    expect(plan.authorize).toEqual([]);
    expect(plan.revoke.map((r) => r.ruleId)).toEqual(['sgr-2']);
  });

  it('revokes the second of two managed rules with one key', () => {
    // arrange
    const desired = [rule('198.51.100.1/32')];
    const present = [
      actual('sgr-b', rule('198.51.100.1/32')),
      actual('sgr-a', rule('198.51.100.1/32')),
    ];

    // act
    const plan = computePlan(
      input({ desired, actual: present }),
    )._unsafeUnwrap();

    // assert
    expect(plan.revoke.map((r) => r.ruleId)).toEqual(['sgr-b']);
  });

  it('refuses any desired rule broader than one address', () => {
    for (const cidr of ['0.0.0.0/0', '::/0', '10.0.0.0/8', '10.0.0.1/31']) {
      // act
      const plan = computePlan(input({ desired: [rule(cidr)] }));

      // assert
      expect(plan._unsafeUnwrapErr()).toMatchObject({
        kind: 'UnsafeRule',
        cidr,
      });
    }
  });

  it('refuses a plan over quota and names target, family and counts', () => {
    // arrange
    const desired = [rule('198.51.100.1/32'), rule('198.51.100.2/32')];
    const present = [actual('sgr-1', rule('192.0.2.1/32'), 'operator')];

    // act
    const error = computePlan(
      input({ desired, actual: present, quota: 2 }),
    )._unsafeUnwrapErr();

    // assert
    expect(error).toMatchObject({
      kind: 'QuotaExceeded',
      target: 'sg-00000001',
      family: 'ipv4',
      needed: 3,
      quota: 2,
    });
  });

  it('counts quotas per address family', () => {
    // arrange
    const desired = [rule('198.51.100.1/32'), rule('2001:db8::1/128')];

    // act
    const plan = computePlan(input({ desired, quota: 1 }));

    // assert
    expect(plan.isOk()).toBe(true);
  });

  it('counts a rule by its weight, in its family only', () => {
    // arrange: a prefix list of 20 entries, an IPv6 list, an ICMPv6 rule
    const listed = (ruleId: string, family: 'ipv4' | 'ipv6', weight = 1) => ({
      ...actual('sgr-x', rule('192.0.2.1/32'), 'operator'),
      ruleId,
      cidr: undefined,
      family,
      weight,
    });
    const present = [
      listed('sgr-1', 'ipv4', 20),
      listed('sgr-2', 'ipv6', 30),
      listed('sgr-3', 'ipv6'),
      actual('sgr-4', rule('192.0.2.4/32'), 'operator'),
    ];
    const desired = [rule('198.51.100.1/32'), rule('198.51.100.2/32')];

    // act
    const fits = computePlan(input({ desired, actual: present, quota: 23 }));
    const over = computePlan(input({ desired, actual: present, quota: 22 }));

    // assert
    expect(fits.isOk()).toBe(true);
    expect(over._unsafeUnwrapErr()).toMatchObject({
      family: 'ipv4',
      needed: 23,
    });
  });

  it('counts a rule of no known family in both families', () => {
    // arrange: a rule whose source is another security group
    const grouped = {
      ...actual('sgr-1', rule('192.0.2.1/32'), 'operator'),
      cidr: undefined,
    };

    // act
    const plan = computePlan(
      input({
        desired: [rule('2001:db8::1/128')],
        actual: [grouped],
        quota: 1,
      }),
    );

    // assert
    expect(plan._unsafeUnwrapErr()).toMatchObject({
      family: 'ipv6',
      needed: 2,
    });
  });

  it('never refuses a plan that only revokes, even over quota', () => {
    // arrange
    const present = [
      actual('sgr-1', rule('192.0.2.1/32'), 'operator'),
      actual('sgr-2', rule('192.0.2.2/32'), 'operator'),
      actual('sgr-3', rule('198.51.100.1/32')),
    ];

    // act
    const plan = computePlan(input({ actual: present, quota: 1 }));

    // assert
    expect(plan._unsafeUnwrap().revoke.map((r) => r.ruleId)).toEqual(['sgr-3']);
  });

  it('orders the plan canonically whatever the input order', () => {
    // arrange
    const desired = [
      rule('198.51.100.9/32', 9042, 9042),
      rule('198.51.100.1/32'),
      rule('2001:db8::2/128'),
    ];

    // act
    const a = computePlan(input({ desired }))._unsafeUnwrap();
    const b = computePlan(input({ desired: [...desired].reverse() }));

    // assert
    expect(serialisePlan(a)).toBe(serialisePlan(b._unsafeUnwrap()));
    expect(a.authorize.map((r) => r.cidr)).toEqual([
      '198.51.100.1/32',
      '2001:db8::2/128',
      '198.51.100.9/32',
    ]);
  });
});

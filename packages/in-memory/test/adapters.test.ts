import { computePlan, type Plan } from '@sgsync/core';
import {
  CONTRACT_MARKER,
  errOf,
  joinedEvent,
  okOf,
} from '@sgsync/core/testing';
import {
  FixedClock,
  InMemoryAutoScaling,
  InMemoryEventStore,
  InMemoryFirewall,
  SteppingClock,
} from '@sgsync/in-memory';
import { describe, expect, it } from 'vitest';

const planOf = (
  firewall: InMemoryFirewall,
  cidrs: readonly string[],
): Plan => ({
  target: firewall.createGroup('sg-00000000000000001'),
  marker: CONTRACT_MARKER,
  authorize: cidrs.map((cidr) => ({
    protocol: 'tcp',
    fromPort: 7000,
    toPort: 7000,
    cidr,
  })),
  revoke: [],
});

describe('InMemoryFirewall', () => {
  it('refuses to go over its rules-per-group limit, as EC2 does', async () => {
    const firewall = new InMemoryFirewall({
      region: 'us-east-1',
      rulesPerGroup: 2,
    });
    const plan = planOf(firewall, [
      '203.0.113.1/32',
      '203.0.113.2/32',
      '203.0.113.3/32',
    ]);

    const error = await errOf(firewall.applyPlan(plan));

    expect(error).toMatchObject({ kind: 'QuotaExceeded', needed: 3, quota: 2 });
    expect(firewall.rulesOf(plan.target.id)).toStrictEqual([]);
  });

  it('counts the limit per address family', async () => {
    const firewall = new InMemoryFirewall({
      region: 'us-east-1',
      rulesPerGroup: 1,
    });
    const plan = planOf(firewall, ['203.0.113.1/32', '2001:db8::1/128']);

    const outcome = await okOf(firewall.applyPlan(plan));

    expect(outcome).toStrictEqual({ authorized: 2, revoked: 0, calls: 1 });
  });

  it('counts a prefix list reference by its weight, in its family', async () => {
    // arrange: 20 of 22 IPv4 rules taken by a list; an IPv6 list of 50
    const firewall = new InMemoryFirewall({
      region: 'us-east-1',
      rulesPerGroup: 22,
    });
    const target = firewall.createGroup('sg-00000000000000001');
    const office = { protocol: 'tcp', fromPort: 443, toPort: 443 } as const;
    firewall.addRule(target.id, { ...office, family: 'ipv4', weight: 20 });
    firewall.addRule(target.id, { ...office, family: 'ipv6', weight: 50 });
    const read = await okOf(firewall.readRules(target));
    const plan = (cidrs: readonly string[]) =>
      computePlan({
        target,
        desired: cidrs.map((cidr) => ({ ...office, fromPort: 7000, cidr })),
        actual: read,
        marker: CONTRACT_MARKER,
        quota: firewall.rulesPerGroup,
      });

    // act
    const over = plan(['203.0.113.1/32', '203.0.113.2/32', '203.0.113.3/32']);
    const fits = plan(['203.0.113.1/32', '203.0.113.2/32'])._unsafeUnwrap();
    const applied = await okOf(firewall.applyPlan(fits));
    const more = await errOf(
      firewall.applyPlan(planOf(firewall, ['203.0.113.9/32'])),
    );

    // assert
    expect(read.map((r) => [r.family, r.weight])).toStrictEqual([
      ['ipv4', 20],
      ['ipv6', 50],
    ]);
    expect(over._unsafeUnwrapErr()).toMatchObject({ needed: 23 });
    expect(applied.authorized).toBe(2);
    expect(more).toMatchObject({ kind: 'QuotaExceeded', needed: 23 });
  });

  it('reads back the tags of every rule', async () => {
    const firewall = new InMemoryFirewall({ region: 'us-east-1' });
    const plan = planOf(firewall, ['203.0.113.1/32']);
    firewall.addRule(plan.target.id, {
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidr: '192.0.2.1/32',
      tags: { team: 'ops' },
    });

    await okOf(firewall.applyPlan(plan));
    const rules = await okOf(firewall.readRules(plan.target));

    expect(rules.map((r) => r.tags)).toStrictEqual([
      { team: 'ops' },
      { [CONTRACT_MARKER.tagKey]: CONTRACT_MARKER.tagValue },
    ]);
  });

  it('refuses a rule broader than one address', async () => {
    const firewall = new InMemoryFirewall({ region: 'us-east-1' });
    const plan = planOf(firewall, ['0.0.0.0/0']);

    const error = await errOf(firewall.applyPlan(plan));

    expect(error.kind).toBe('UnsafeRule');
  });

  it('numbers rule ids with a counter', async () => {
    const firewall = new InMemoryFirewall({ region: 'us-east-1' });
    const plan = planOf(firewall, ['203.0.113.1/32', '203.0.113.2/32']);

    await okOf(firewall.applyPlan(plan));

    expect(firewall.rulesOf(plan.target.id).map((r) => r.ruleId)).toStrictEqual(
      ['sgr-00000000000000001', 'sgr-00000000000000002'],
    );
  });
});

describe('InMemoryEventStore', () => {
  it('refuses a copy that would leave a gap in the versions', async () => {
    const store = new InMemoryEventStore({ region: 'us-east-1' });
    const event = { stream: 's', version: 2, event: joinedEvent(2) };

    const error = await errOf(store.copyEvents('s', [event]));

    expect(error).toMatchObject({ kind: 'StreamCorrupt', version: 1 });
  });

  it('reads a malformed stored event as StreamCorrupt naming its version', async () => {
    // arrange: a good event, then one of a type no version writes
    const store = new InMemoryEventStore({ region: 'us-east-1' });
    await okOf(store.appendToStream('s', 0, [joinedEvent(1)]));
    store.putRaw('s', { type: 'MemberVanished', data: {} });

    // act
    const error = await errOf(store.readStream('s'));
    const before = await okOf(store.readStream('s', 2));

    // assert
    expect(error).toMatchObject({
      kind: 'StreamCorrupt',
      stream: 's',
      version: 2,
    });
    expect(error.message).toContain('s version 2');
    expect(before).toStrictEqual({ version: 2, events: [] });
  });

  it('reads an event with a field it does not know as StreamCorrupt', async () => {
    const store = new InMemoryEventStore({ region: 'us-east-1' });
    const event = joinedEvent(1);
    store.putRaw('s', { ...event, data: { ...event.data, extra: 1 } });

    const error = await errOf(store.readStream('s'));

    expect(error).toMatchObject({ kind: 'StreamCorrupt', version: 1 });
  });
});

describe('InMemoryAutoScaling', () => {
  it('reports an address as pending until it is assigned', async () => {
    const asg = new InMemoryAutoScaling({ region: 'us-east-1' });
    asg.createGroup('g', { launchHook: false });
    const { instanceId } = asg.launch('g', { lateAddresses: true });

    const before = await okOf(asg.observe(['g']));
    asg.assignAddresses(instanceId);
    const after = await okOf(asg.observe(['g']));

    expect(before.instances[0]).toMatchObject({
      addressPending: true,
      addresses: {},
    });
    expect(after.instances[0]?.addressPending).toBe(false);
    expect(after.instances[0]?.addresses.publicIpv4).toMatch(/^198\.1[89]\./);
  });

  it('keeps a terminating instance leaving until its action ends', async () => {
    const asg = new InMemoryAutoScaling({ region: 'us-east-1' });
    asg.createGroup('g', { launchHook: false });
    const { instanceId } = asg.launch('g');

    const { action } = asg.terminate(instanceId);
    const leaving = asg.instancesOf('g');
    await okOf(asg.lifecycle.complete(action ?? never()));

    expect(leaving).toMatchObject([{ instanceId, state: 'leaving' }]);
    expect(asg.instancesOf('g')).toStrictEqual([]);
    expect(asg.takeLifecycleEvents()).toMatchObject([
      { transition: 'terminating', action },
    ]);
  });

  it('attaches and detaches without any hook', () => {
    const asg = new InMemoryAutoScaling({ region: 'us-east-1' });
    asg.createGroup('g');

    const id = asg.attach('g');
    const attached = asg.instancesOf('g');
    asg.detach(id);

    expect(attached).toMatchObject([{ instanceId: id, state: 'in-service' }]);
    expect(asg.instancesOf('g')).toStrictEqual([]);
    expect(asg.takeLifecycleEvents()).toStrictEqual([]);
  });
});

describe('clocks', () => {
  it('tells the same time from a fixed clock', () => {
    const clock = new FixedClock('2026-05-01T00:00:00Z');

    expect([clock.now(), clock.now()]).toStrictEqual([
      '2026-05-01T00:00:00.000Z',
      '2026-05-01T00:00:00.000Z',
    ]);
  });

  it('moves a stepping clock on by its step at each read', () => {
    const clock = new SteppingClock({ stepMs: 500 });

    clock.advance(1000);

    expect([clock.now(), clock.now()]).toStrictEqual([
      '2026-01-01T00:00:01.000Z',
      '2026-01-01T00:00:01.500Z',
    ]);
  });
});

const never = (): never => {
  throw new Error('the hooked group gave no action');
};

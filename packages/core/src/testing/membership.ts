import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isIpv4, isIpv6 } from '../addresses.js';
import type { LifecycleState, ObservedInstance } from '../model.js';
import type { MembershipHarness } from './harness.js';
import { errOf, okOf } from './results.js';

const MEMBER_STATES: readonly LifecycleState[] = ['launching', 'in-service'];
const GONE_STATES: readonly LifecycleState[] = ['leaving', 'gone'];

/**
 * The contract every `MembershipSource` adapter passes: it sees every
 * instance of the named groups with its addresses, sees removed instances
 * go, and fails with NotFound for a group that does not exist.
 *
 * @example
 * ```ts
 * membershipSourceContract('InMemoryAutoScaling', async () =>
 *   inMemoryMembershipHarness(),
 * );
 * ```
 */
export const membershipSourceContract = (
  adapterName: string,
  setup: () => Promise<MembershipHarness>,
): void => {
  describe(adapterName, () => {
    let harness: MembershipHarness;
    const h = () => harness;

    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.cleanup?.();
    });

    observing(h);
    shrinking(h);
    unknownGroups(h);
  });
};

type Get = () => MembershipHarness;

const idsOf = (instances: readonly ObservedInstance[]): string[] =>
  instances.map((i) => i.instanceId).sort();

const expectMember = (instance: ObservedInstance, asgName: string): void => {
  expect(instance.asgName).toBe(asgName);
  expect(MEMBER_STATES).toContain(instance.state);
  expect(typeof instance.addressPending).toBe('boolean');

  const { publicIpv4, privateIpv4, ipv6 } = instance.addresses;
  const present = [publicIpv4, privateIpv4, ipv6].filter(
    (a) => a !== undefined,
  );
  expect(present.length).toBeGreaterThan(0);
  for (const address of present) {
    expect(isIpv4(address) || isIpv6(address)).toBe(true);
  }
};

const observing = (h: Get): void => {
  it('observes every instance of a group with addresses and a state', async () => {
    const group = await h().newGroup(3);

    const observation = await okOf(h().source.observe([group.asgName]));

    expect(idsOf(observation.instances)).toStrictEqual(
      [...group.instanceIds].sort(),
    );
    for (const i of observation.instances) expectMember(i, group.asgName);
  });

  it('observes the instances of several groups at once', async () => {
    const a = await h().newGroup(2);
    const b = await h().newGroup(1);

    const observation = await okOf(h().source.observe([a.asgName, b.asgName]));

    expect(idsOf(observation.instances)).toStrictEqual(
      [...a.instanceIds, ...b.instanceIds].sort(),
    );
  });
};

const shrinking = (h: Get): void => {
  it('sees removed instances absent or leaving after a shrink', async () => {
    const group = await h().newGroup(3);

    const kept = await h().resize(group.asgName, 1);
    const observation = await okOf(h().source.observe([group.asgName]));

    const removed = group.instanceIds.filter((id) => !kept.includes(id));
    expect(kept).toHaveLength(1);
    expect(removed).toHaveLength(2);
    for (const i of observation.instances) {
      if (removed.includes(i.instanceId)) {
        expect(GONE_STATES).toContain(i.state);
      } else {
        expectMember(i, group.asgName);
      }
    }
    const present = observation.instances.map((i) => i.instanceId);
    for (const id of kept) expect(present).toContain(id);
  });
};

const unknownGroups = (h: Get): void => {
  it('fails with NotFound naming a group that does not exist', async () => {
    // arrange
    const group = await h().newGroup(1);

    // act
    const error = await errOf(
      h().source.observe([group.asgName, 'sgsync-contract-no-such-group']),
    );

    // assert
    expect(error.kind).toBe('NotFound');
    expect(error.message).toContain('sgsync-contract-no-such-group');
  });

  it('observes no groups as no instances', async () => {
    await h().newGroup(1);

    const observation = await okOf(h().source.observe([]));

    expect(observation.instances).toStrictEqual([]);
  });
};

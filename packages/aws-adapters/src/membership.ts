import {
  paginateDescribeAutoScalingGroups,
  type AutoScalingClient,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import {
  paginateDescribeInstances,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import {
  canonicalCidr,
  compareText,
  isIpv6,
  memberCidr,
  type Addresses,
  type AddressKind,
  type LifecycleState,
  type MembershipSource,
  type Observation,
  type ObservedInstance,
  type SgsyncError,
} from '@sgsync/core';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { translateCommonError, type CallSite } from './sdk-errors.js';

/** Waits the given milliseconds. Injected so that tests do not wait. */
export type Sleep = (ms: number) => Promise<void>;

/** What {@link AutoScalingMembershipSource} needs. */
export interface AutoScalingMembershipSourceOptions {
  readonly autoScaling: AutoScalingClient;
  readonly ec2: EC2Client;
  readonly region: string;
  /** The address kind the cluster connects to; it decides what is pending. */
  readonly addressKind: AddressKind;
  /** Looks at instances without that address this often (default 3). */
  readonly addressAttempts?: number;
  /** The first wait between looks, doubled each time (default 500 ms). */
  readonly addressBackoffMs?: number;
  /** How to wait (default: a timer). */
  readonly sleep?: Sleep;
}

/** Group names per DescribeAutoScalingGroups call, with MaxRecords 100. */
const GROUPS_PER_CALL = 100;

/**
 * Instance ids per DescribeInstances call. The ids go in an `instance-id`
 * filter, not in InstanceIds: a filter ignores an id that vanished
 * instead of failing the call, and allows MaxResults paging. EC2 takes up
 * to 200 values per filter.
 */
const IDS_PER_CALL = 200;

/** Instances per DescribeInstances page (the API allows 5 to 1000). */
const INSTANCES_PER_PAGE = 1000;

/** The default timer. */
export const timerSleep: Sleep = (ms) =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The membership source port on Auto Scaling and EC2.
 *
 * One observation costs one DescribeAutoScalingGroups call per 100 group
 * names (and page), then one DescribeInstances call per 200 instances (and
 * page), never one call per instance. A group that does not exist has
 * no instances, as Auto Scaling answers. An instance that is a member but
 * lacks the configured address kind is looked at again, all such
 * instances in one call, with a doubling wait; if the address is still
 * missing it is reported with `addressPending`, never dropped. An
 * instance EC2 does not describe at all (it answers with a delay after a
 * launch) is reported with `addressesKnown: false`, so that the members'
 * recorded addresses are kept rather than taken as gone.
 *
 * @example
 * ```ts
 * const source = new AutoScalingMembershipSource({
 *   autoScaling, ec2, region: 'eu-west-1', addressKind: 'public-ipv4',
 * });
 * const observation = await source.observe(['orders-db']);
 * ```
 */
export class AutoScalingMembershipSource implements MembershipSource {
  readonly #options: AutoScalingMembershipSourceOptions;

  constructor(options: AutoScalingMembershipSourceOptions) {
    this.#options = options;
  }

  /** Looks at the named groups and their instances' addresses. */
  observe(asgNames: readonly string[]): ResultAsync<Observation, SgsyncError> {
    if (asgNames.length === 0) {
      return okAsync({ region: this.#options.region, instances: [] });
    }

    return this.#groups(asgNames).andThen((groups) =>
      this.#withAddresses(instancesOf(groups)).map((instances) => ({
        region: this.#options.region,
        instances,
      })),
    );
  }

  #groups(
    names: readonly string[],
  ): ResultAsync<AutoScalingGroup[], SgsyncError> {
    const site = this.#site(
      'autoscaling',
      itemsText(names),
      'DescribeAutoScalingGroups',
    );

    return ResultAsync.fromPromise(this.#describeGroups(names), (error) =>
      translateCommonError(error, site),
    ).andThen((groups) => allFound(names, groups));
  }

  async #describeGroups(names: readonly string[]): Promise<AutoScalingGroup[]> {
    const groups: AutoScalingGroup[] = [];
    for (let i = 0; i < names.length; i += GROUPS_PER_CALL) {
      const pages = paginateDescribeAutoScalingGroups(
        { client: this.#options.autoScaling, pageSize: GROUPS_PER_CALL },
        { AutoScalingGroupNames: names.slice(i, i + GROUPS_PER_CALL) },
      );
      for await (const page of pages) {
        groups.push(...(page.AutoScalingGroups ?? []));
      }
    }

    return groups;
  }

  #withAddresses(
    seen: readonly GroupInstance[],
  ): ResultAsync<ObservedInstance[], SgsyncError> {
    const attempts = Math.max(1, this.#options.addressAttempts ?? 3);

    return this.#lookAgain(seen, new Map(), attempts, 0);
  }

  /**
   * Describes the instances that still lack an address (all of them the
   * first time), waits and tries again while some are missing and
   * attempts remain.
   */
  #lookAgain(
    seen: readonly GroupInstance[],
    known: ReadonlyMap<string, Addresses>,
    attemptsLeft: number,
    done: number,
  ): ResultAsync<ObservedInstance[], SgsyncError> {
    const wanted = seen
      .filter((i) => !this.#hasAddress(known.get(i.instanceId), i.state))
      .map((i) => i.instanceId);
    if (wanted.length === 0 || attemptsLeft === 0) {
      return ResultAsync.fromSafePromise(
        Promise.resolve(seen.map((i) => this.#observed(i, known))),
      );
    }

    const wait = done === 0 ? Promise.resolve() : this.#sleep(done);

    return ResultAsync.fromSafePromise(wait)
      .andThen(() => this.#addresses(wanted))
      .andThen((found) =>
        this.#lookAgain(seen, merge(known, found), attemptsLeft - 1, done + 1),
      );
  }

  #sleep(retry: number): Promise<void> {
    const base = this.#options.addressBackoffMs ?? 500;
    const sleep = this.#options.sleep ?? timerSleep;

    return sleep(base * 2 ** (retry - 1));
  }

  #addresses(
    ids: readonly string[],
  ): ResultAsync<Map<string, Addresses>, SgsyncError> {
    const site = this.#site('ec2', itemsText(ids), 'DescribeInstances');

    return ResultAsync.fromPromise(this.#describeInstances(ids), (error) =>
      translateCommonError(error, site),
    );
  }

  async #describeInstances(
    ids: readonly string[],
  ): Promise<Map<string, Addresses>> {
    const found = new Map<string, Addresses>();
    for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
      const pages = paginateDescribeInstances(
        { client: this.#options.ec2, pageSize: INSTANCES_PER_PAGE },
        {
          Filters: [
            { Name: 'instance-id', Values: ids.slice(i, i + IDS_PER_CALL) },
          ],
        },
      );
      for await (const page of pages) {
        const instances = (page.Reservations ?? []).flatMap(
          (r) => r.Instances ?? [],
        );
        instances.forEach((i) => found.set(i.InstanceId ?? '', addressesOf(i)));
      }
    }

    return found;
  }

  #hasAddress(
    addresses: Addresses | undefined,
    state: LifecycleState,
  ): boolean {
    if (addresses === undefined) return false;
    if (!isMemberState(state)) return true;

    return memberCidr(addresses, this.#options.addressKind) !== undefined;
  }

  #observed(
    instance: GroupInstance,
    known: ReadonlyMap<string, Addresses>,
  ): ObservedInstance {
    const addresses = known.get(instance.instanceId);
    if (addresses === undefined) return notDescribed(instance);

    const pending =
      isMemberState(instance.state) &&
      memberCidr(addresses, this.#options.addressKind) === undefined;

    return { ...instance, addresses, addressPending: pending };
  }

  #site(service: string, resource: string, operation: string): CallSite {
    return { service, region: this.#options.region, resource, operation };
  }
}

/** An instance as a group lists it, before its addresses are known. */
interface GroupInstance {
  readonly instanceId: string;
  readonly asgName: string;
  readonly state: LifecycleState;
}

const instancesOf = (groups: readonly AutoScalingGroup[]): GroupInstance[] =>
  groups.flatMap((group) =>
    (group.Instances ?? []).map((instance) => ({
      instanceId: instance.InstanceId ?? '',
      asgName: group.AutoScalingGroupName ?? '',
      state: lifecycleStateOf(instance.LifecycleState),
    })),
  );

/**
 * An instance EC2 did not describe: its addresses are unknown (not
 * absent), and pending while it is a member.
 */
const notDescribed = (instance: GroupInstance): ObservedInstance => ({
  ...instance,
  addresses: {},
  addressPending: isMemberState(instance.state),
  addressesKnown: false,
});

/** The states the core counts as members (standby keeps its rules). */
const isMemberState = (state: LifecycleState): boolean =>
  state === 'launching' || state === 'in-service' || state === 'standby';

const LIFECYCLE_STATES: Readonly<Record<string, LifecycleState>> = {
  Pending: 'launching',
  'Pending:Wait': 'launching',
  'Pending:Proceed': 'launching',
  InService: 'in-service',
  Standby: 'standby',
  EnteringStandby: 'standby',
  Terminating: 'leaving',
  'Terminating:Wait': 'leaving',
  'Terminating:Proceed': 'leaving',
  Terminated: 'gone',
  Detaching: 'detaching',
  Detached: 'detaching',
};

/**
 * An Auto Scaling lifecycle state in the core's terms. Every `Warmed:*`
 * state is `warm-pool`. `Detaching` and `Detached` are `detaching`: the
 * instance leaves the group but lives on, and may be attached again. A
 * state this code does not know (`Quarantined`, or one AWS adds later)
 * is `detaching` too: no access while it lasts (sgsync fails closed),
 * and never gone for good, so the instance is a member again as soon as
 * it is in a known member state.
 */
export const lifecycleStateOf = (state: string | undefined): LifecycleState => {
  if (state === undefined) return 'detaching';
  if (state.startsWith('Warmed:')) return 'warm-pool';

  return LIFECYCLE_STATES[state] ?? 'detaching';
};

/**
 * The addresses of an instance: its public and private IPv4 addresses and
 * one IPv6 address of its primary network interface, chosen as
 * {@link primaryIpv6} says.
 */
export const addressesOf = (instance: Instance): Addresses => {
  const ipv6 = primaryIpv6(instance);

  return {
    ...(instance.PublicIpAddress
      ? { publicIpv4: instance.PublicIpAddress }
      : {}),
    ...(instance.PrivateIpAddress
      ? { privateIpv4: instance.PrivateIpAddress }
      : {}),
    ...(ipv6 ? { ipv6 } : {}),
  };
};

/**
 * The IPv6 address of an instance, in canonical form, whatever order EC2
 * lists them in: the primary interface's address marked `IsPrimaryIpv6`,
 * or else the first of its addresses in canonical order, or else the
 * instance's `Ipv6Address`. The same instance always gives the same
 * address, so that an answer in another order never moves its rules.
 */
export const primaryIpv6 = (instance: Instance): string | undefined => {
  const primary = (instance.NetworkInterfaces ?? []).find(
    (eni) => (eni.Attachment?.DeviceIndex ?? 0) === 0,
  );
  const listed = primary?.Ipv6Addresses ?? [];
  const marked = listed.find((a) => a.IsPrimaryIpv6 === true)?.Ipv6Address;
  const all = listed.flatMap((a) => canonicalIpv6(a.Ipv6Address) ?? []);

  return (
    canonicalIpv6(marked) ??
    all.sort(compareText)[0] ??
    canonicalIpv6(instance.Ipv6Address)
  );
};

/** An IPv6 address in canonical form; undefined when it is not one. */
const canonicalIpv6 = (address: string | undefined): string | undefined => {
  if (address === undefined || !isIpv6(address)) return undefined;

  return canonicalCidr(`${address}/128`)?.replace(/\/128$/, '');
};

const merge = (
  known: ReadonlyMap<string, Addresses>,
  found: ReadonlyMap<string, Addresses>,
): Map<string, Addresses> => new Map([...known, ...found]);

const itemsText = (items: readonly string[]): string =>
  items.slice(0, 5).join(', ') +
  (items.length > 5 ? `, and ${items.length - 5} more` : '');

/**
 * DescribeAutoScalingGroups answers an unknown name with nothing, not an
 * error. A configured group that is missing (a typo, a deleted group) is
 * reported, so that its members are never recorded as gone by mistake.
 */
const allFound = (
  names: readonly string[],
  groups: readonly AutoScalingGroup[],
): ResultAsync<AutoScalingGroup[], SgsyncError> => {
  const found = new Set(groups.map((g) => g.AutoScalingGroupName));
  const missing = names.filter((name) => !found.has(name));

  return missing.length === 0
    ? okAsync([...groups])
    : errAsync({
        kind: 'NotFound',
        message: `no Auto Scaling group named ${missing.join(', ')}`,
        resource: missing.join(','),
      });
};

/**
 * The fast-check arbitraries of sgsync's domain, in one place, so that
 * every property test draws from the same documented generators. Each
 * produces values the domain accepts (ids in AWS's shape, canonical
 * addresses, configurations that parse); shrinking keeps them valid.
 *
 * @example
 * ```ts
 * import { test } from '@fast-check/vitest';
 * import { ruleArb } from '@sgsync/core/testing';
 *
 * test.prop([fc.array(ruleArb())])('plans the same twice', (rules) => {
 *   // ...
 * });
 * ```
 */
import fc from 'fast-check';
import { canonicalCidr, memberCidr } from '../addresses.js';
import {
  parseClusterConfig,
  type ClusterConfig,
  type ManagedMarker,
} from '../config.js';
import type { MembershipEvent } from '../events.js';
import type {
  ActualRule,
  Addresses,
  AddressKind,
  LifecycleState,
  ObservedInstance,
  Rule,
  RuleTemplate,
} from '../model.js';
import { instanceIdOf } from './fixtures.js';

/**
 * An instance id (`i-` and 17 hex digits) drawn from a small range, so
 * that arrays of ids often repeat one: duplicates are what the decider
 * must shrug off.
 */
export const instanceIdArb = (max = 64): fc.Arbitrary<string> =>
  fc.integer({ min: 1, max }).map(instanceIdOf);

/** An IPv4 address in dotted-quad form. */
export const ipv4Arb = (): fc.Arbitrary<string> => fc.ipV4();

/** An IPv6 address in canonical form (shortest, lower case). */
export const ipv6Arb = (): fc.Arbitrary<string> =>
  fc
    .ipV6()
    .map((ip) => (canonicalCidr(`${ip}/128`) ?? '::1/128').replace('/128', ''));

/** The addresses of an instance; any of them may be absent. */
export const addressesArb = (): fc.Arbitrary<Addresses> =>
  fc.record(
    { publicIpv4: ipv4Arb(), privateIpv4: ipv4Arb(), ipv6: ipv6Arb() },
    { requiredKeys: [] },
  );

/** Every lifecycle state an instance can be observed in. */
export const lifecycleStateArb = (): fc.Arbitrary<LifecycleState> =>
  fc.constantFrom(
    'launching',
    'in-service',
    'standby',
    'warm-pool',
    'leaving',
    'gone',
  );

/** The address kinds a cluster may use. */
export const addressKindArb = (): fc.Arbitrary<AddressKind> =>
  fc.constantFrom('public-ipv4', 'private-ipv4', 'ipv6');

/** What {@link observedInstanceArb} draws from. */
export interface ObservedInstanceOptions {
  readonly asgNames?: readonly string[];
  /** Decides `addressPending` (default public IPv4). */
  readonly addressKind?: AddressKind;
  /** How many distinct instance ids to draw from (default 64). */
  readonly ids?: number;
}

/**
 * An instance as a membership source reports it, with `addressPending`
 * true exactly when the address of the cluster's kind is missing.
 */
export const observedInstanceArb = (
  options: ObservedInstanceOptions = {},
): fc.Arbitrary<ObservedInstance> => {
  const kind = options.addressKind ?? 'public-ipv4';

  return fc
    .record({
      instanceId: instanceIdArb(options.ids),
      asgName: fc.constantFrom(...(options.asgNames ?? ['asg-a', 'asg-b'])),
      state: lifecycleStateArb(),
      addresses: addressesArb(),
    })
    .map((i) => ({
      ...i,
      addressPending: memberCidr(i.addresses, kind) === undefined,
    }));
};

/** A port range for tcp or udp: 0 to 65535, from <= to. */
const portRangeArb = (): fc.Arbitrary<{ fromPort: number; toPort: number }> =>
  fc
    .tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 64 }))
    .map(([from, width]) => ({
      fromPort: from,
      toPort: Math.min(65535, from + width),
    }));

/**
 * A rule template as a parsed configuration holds it: tcp or udp with a
 * port range, icmp with a type and code (-1 to 255), or all (-1, -1).
 */
export const ruleTemplateArb = (): fc.Arbitrary<RuleTemplate> =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom('tcp' as const, 'udp' as const), portRangeArb())
      .map(([protocol, ports]) => ({ protocol, ...ports })),
    fc
      .tuple(
        fc.integer({ min: -1, max: 255 }),
        fc.integer({ min: -1, max: 255 }),
      )
      .map(([fromPort, toPort]) => ({
        protocol: 'icmp' as const,
        fromPort,
        toPort,
      })),
    fc.constant({ protocol: 'all' as const, fromPort: -1, toPort: -1 }),
  );

/** A single-address CIDR in canonical form: `/32` or `/128`. */
export const singleAddressCidrArb = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: ipv4Arb().map((ip) => `${ip}/32`), weight: 3 },
    { arbitrary: ipv6Arb().map((ip) => `${ip}/128`), weight: 1 },
  );

/** A desired rule: a template for one address. */
export const ruleArb = (
  templates: fc.Arbitrary<RuleTemplate> = ruleTemplateArb(),
): fc.Arbitrary<Rule> =>
  fc
    .tuple(templates, singleAddressCidrArb())
    .map(([template, cidr]) => ({ ...template, cidr }));

/** A marker with a description AWS accepts and the default tag key. */
export const markerArb = (): fc.Arbitrary<ManagedMarker> =>
  fc.stringMatching(/^[a-z0-9-]{1,20}$/).map((name) => ({
    description: `sgsync:${name}`,
    tagKey: 'sgsync:cluster',
    tagValue: name,
  }));

/** What {@link actualRuleArb} draws. */
export interface ActualRuleOptions {
  readonly marker: ManagedMarker;
  /** True: the marker's description; false: never it; absent: either. */
  readonly managed?: boolean;
  readonly rules?: fc.Arbitrary<Rule>;
}

/**
 * A rule as a firewall target reads it, with an `sgr-` id. An unmanaged
 * rule has no description or another one, and may be any address range
 * (`/24`, even `0.0.0.0/0`: someone else made it) or a group reference
 * (`cidr` undefined).
 */
export const actualRuleArb = (
  options: ActualRuleOptions,
): fc.Arbitrary<ActualRule> => {
  const managed =
    options.managed === undefined ? fc.boolean() : fc.constant(options.managed);

  return fc
    .record({
      id: fc.integer({ min: 1, max: 0xffffff }),
      managed,
      rule: options.rules ?? ruleArb(),
      foreign: foreignSourceArb(),
    })
    .map(({ id, managed: own, rule, foreign }) => ({
      ruleId: `sgr-${id.toString(16).padStart(17, '0')}`,
      protocol: rule.protocol,
      fromPort: rule.fromPort,
      toPort: rule.toPort,
      cidr: own || foreign.cidr === 'same' ? rule.cidr : foreign.cidr,
      description: own ? options.marker.description : foreign.description,
      tags: own ? { [options.marker.tagKey]: options.marker.tagValue } : {},
    }));
};

const foreignSourceArb = () =>
  fc.record({
    cidr: fc.oneof(
      fc.constant('same' as const),
      fc.constant(undefined),
      fc.constantFrom('10.0.0.0/8', '198.51.100.0/24', '0.0.0.0/0', '::/0'),
    ),
    description: fc.option(fc.constantFrom('office VPN', 'bastion', ''), {
      nil: undefined,
    }),
  });

/**
 * A time an event may carry: mostly UTC times over six weeks (in any
 * order, so that histories cross the retention of departed members),
 * some with an offset, some without a zone, some not a time at all.
 */
export const eventTimeArb = (): fc.Arbitrary<string> => {
  const utc = fc
    .record({
      day: fc.integer({ min: 0, max: 42 }),
      hour: fc.integer({ min: 0, max: 23 }),
    })
    .map(({ day, hour }) => new Date(Date.UTC(2026, 0, 1 + day, hour)));

  return fc.oneof(
    { weight: 8, arbitrary: utc.map((d) => d.toISOString()) },
    {
      weight: 1,
      arbitrary: utc.map((d) => `${d.toISOString().slice(0, 19)}-05:00`),
    },
    {
      weight: 1,
      arbitrary: utc.map((d) => d.toISOString().slice(0, 19)),
    },
    { weight: 1, arbitrary: fc.constantFrom('yesterday', 'probe') },
  );
};

/**
 * A membership event of any kind, about the ids {@link instanceIdArb}
 * draws, at a time {@link eventTimeArb} draws.
 */
export const membershipEventArb = (): fc.Arbitrary<MembershipEvent> => {
  const observedAt = eventTimeArb();

  return fc.oneof(
    fc
      .record({
        instanceId: instanceIdArb(),
        asgName: fc.constantFrom('asg-a', 'asg-b'),
        addresses: addressesArb(),
        cause: fc.constantFrom('lifecycle-launch' as const, 'true-up' as const),
        observedAt,
      })
      .map((data) => ({ type: 'MemberJoined' as const, data })),
    fc
      .record({
        instanceId: instanceIdArb(),
        reason: fc.constantFrom('terminated' as const, 'parked' as const),
        cause: fc.constantFrom(
          'lifecycle-terminate' as const,
          'true-up' as const,
        ),
        observedAt,
      })
      .map((data) => ({ type: 'MemberLeft' as const, data })),
    fc
      .record({
        instanceId: instanceIdArb(),
        addresses: addressesArb(),
        observedAt,
      })
      .map((data) => ({ type: 'MemberAddressesChanged' as const, data })),
  );
};

const REGIONS = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-southeast-2',
  'sa-east-1',
] as const;

/**
 * A raw configuration document (as a user writes it) that
 * `parseClusterConfig` accepts: 1 to 4 regions, each with its own groups,
 * security groups (ids unique in the config) and table, and 1 to 4 rule
 * templates.
 */
export const rawClusterConfigArb = (): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record({
      regions: fc.subarray([...REGIONS], { minLength: 1, maxLength: 4 }),
      rules: fc.array(ruleTemplateArb(), { minLength: 1, maxLength: 4 }),
      addressKind: addressKindArb(),
      groups: fc.integer({ min: 1, max: 3 }),
      quota: fc.integer({ min: 1, max: 200 }),
    })
    .map((c) => ({
      cluster: 'prop-cluster',
      regions: c.regions.map((name, i) => ({
        name,
        asgNames: [`asg-${name}`],
        securityGroupIds: Array.from(
          { length: c.groups },
          (_, j) => `sg-${(i * 16 + j + 1).toString(16).padStart(17, '0')}`,
        ),
        eventTable: 'sgsync-events',
      })),
      rules: rulesFor(c.rules, c.addressKind),
      addressKind: c.addressKind,
      quota: { rulesPerGroup: c.quota },
    }));

/** ICMP is IPv4's: an IPv6 cluster gets tcp in its place. */
const rulesFor = (
  rules: readonly RuleTemplate[],
  kind: AddressKind,
): RuleTemplate[] =>
  rules.map((r) =>
    kind === 'ipv6' && r.protocol === 'icmp'
      ? { protocol: 'tcp', fromPort: 7000, toPort: 7000 }
      : r,
  );

/** A parsed cluster configuration, from {@link rawClusterConfigArb}. */
export const clusterConfigArb = (): fc.Arbitrary<ClusterConfig> =>
  rawClusterConfigArb().map((raw) => {
    const parsed = parseClusterConfig(raw);
    if (parsed.isErr()) throw new Error(parsed.error.message);

    return parsed.value;
  });

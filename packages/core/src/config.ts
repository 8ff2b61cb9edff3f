import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import type { ConfigInvalid, Problem } from './errors.js';
import type { AddressKind, RegionName, RuleTemplate } from './model.js';

/**
 * How sgsync recognises its own rules. A rule is managed when its
 * description equals `description` and it carries the tag `tagKey` =
 * `tagValue` (the cluster's name). A rule that has only one of the two
 * was made or changed by someone else, and is never revoked.
 */
export interface ManagedMarker {
  readonly description: string;
  readonly tagKey: string;
  readonly tagValue: string;
}

/** One region of the cluster. */
export interface RegionConfig {
  readonly name: RegionName;
  /** The Auto Scaling groups whose instances are members. */
  readonly asgNames: readonly string[];
  /** The security groups in this region that sgsync keeps in sync. */
  readonly securityGroupIds: readonly string[];
  /** The DynamoDB table of this region's event store. */
  readonly eventTable: string;
  /** The EventBridge bus that receives this region's change notices. */
  readonly eventBus: string;
}

/**
 * A validated cluster configuration. Build one with
 * {@link parseClusterConfig}.
 */
export interface ClusterConfig {
  readonly cluster: string;
  readonly regions: readonly RegionConfig[];
  readonly rules: readonly RuleTemplate[];
  readonly addressKind: AddressKind;
  readonly marker: ManagedMarker;
  readonly quota: {
    /** Inbound rules a security group may hold, per address family. */
    readonly rulesPerGroup: number;
  };
}

const DESCRIPTION_CHARS = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

const regionName = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'is not an AWS region name');

const templateSchema = z
  .object({
    protocol: z.enum(['tcp', 'udp', 'icmp', 'all']),
    fromPort: z.number().int().min(-1).max(65535).optional(),
    toPort: z.number().int().min(-1).max(65535).optional(),
  })
  .strict();

const regionSchema = z
  .object({
    name: regionName,
    asgNames: z.array(z.string().min(1).max(255)).min(1),
    securityGroupIds: z
      .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'is not a group id'))
      .min(1),
    eventTable: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'is not a DynamoDB table name'),
    eventBus: z.string().min(1).max(256).default('default'),
  })
  .strict();

const configSchema = z
  .object({
    cluster: z
      .string()
      .regex(/^[a-zA-Z0-9._-]{1,64}$/, 'must be 1-64 of a-z A-Z 0-9 . _ -'),
    regions: z.array(regionSchema).min(1, 'needs at least one region'),
    rules: z.array(templateSchema).min(1, 'needs at least one rule template'),
    addressKind: z
      .enum(['public-ipv4', 'private-ipv4', 'ipv6'])
      .default('public-ipv4'),
    marker: z
      .object({
        description: z
          .string()
          .min(1)
          .max(255)
          .regex(DESCRIPTION_CHARS, 'has a character AWS refuses')
          .refine(
            (d) => d.trim() === d,
            'must not start or end with a space, which could be trimmed',
          )
          .optional(),
        tagKey: z
          .string()
          .min(1)
          .max(128)
          .refine((k) => !k.startsWith('aws:'), 'must not start with aws:')
          .default('sgsync:cluster'),
        tagValue: z.string().min(1).max(256).optional(),
      })
      .strict()
      .default({ tagKey: 'sgsync:cluster' }),
    quota: z
      .object({ rulesPerGroup: z.number().int().min(1).max(1000).default(60) })
      .strict()
      .default({ rulesPerGroup: 60 }),
  })
  .strict();

type RawConfig = z.infer<typeof configSchema>;

/**
 * Validates a cluster configuration. On failure the error lists every
 * problem found, each with its path, not only the first.
 *
 * @example
 * ```ts
 * const config = parseClusterConfig({
 *   cluster: 'orders-db',
 *   regions: [
 *     {
 *       name: 'us-east-1',
 *       asgNames: ['orders-db'],
 *       securityGroupIds: ['sg-0123456789abcdef0'],
 *       eventTable: 'sgsync-events',
 *     },
 *   ],
 *   rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
 * });
 * if (config.isErr()) console.error(config.error.problems);
 * ```
 */
export const parseClusterConfig = (
  input: unknown,
): Result<ClusterConfig, ConfigInvalid> => {
  const parsed = configSchema.safeParse(input);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map(toProblem)),
    ...crossChecks(loose(input)),
  ];
  if (!parsed.success || problems.length > 0) {
    return err(configInvalid(problems));
  }

  return ok(toConfig(parsed.data));
};

/**
 * The parts of an unvalidated input that the checks across fields read,
 * kept where they have the right type, so that those checks run (and
 * report) even when the schema found other problems.
 */
interface LooseConfig {
  readonly addressKind: unknown;
  readonly regions: readonly {
    readonly name?: unknown;
    readonly asgNames?: unknown;
    readonly securityGroupIds?: unknown;
  }[];
  readonly rules: readonly Partial<Record<string, unknown>>[];
}

const loose = (input: unknown): LooseConfig => {
  const record = isRecord(input) ? input : {};

  return {
    addressKind: record['addressKind'],
    regions: arrayOf(record['regions']).filter(isRecord),
    rules: arrayOf(record['rules']).filter(isRecord),
  };
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const arrayOf = (value: unknown): readonly unknown[] =>
  Array.isArray(value) ? value : [];

const strings = (value: unknown): string[] =>
  arrayOf(value).filter((v): v is string => typeof v === 'string');

const toProblem = (issue: z.core.$ZodIssue): Problem => ({
  path: issue.path.map(String).join('.') || '(root)',
  reason: issue.message,
});

const configInvalid = (problems: Problem[]): ConfigInvalid => ({
  kind: 'ConfigInvalid',
  message:
    `the cluster configuration has ${problems.length} problem(s): ` +
    problems.map((p) => `${p.path} ${p.reason}`).join('; '),
  problems,
});

const crossChecks = (raw: LooseConfig): Problem[] => [
  ...duplicates(
    raw.regions.flatMap((r, i) =>
      typeof r.name === 'string'
        ? [[`regions.${i}.name`, r.name] as const]
        : [],
    ),
  ),
  ...raw.regions.flatMap((r, i) =>
    duplicates(
      strings(r.asgNames).map(
        (n, j) => [`regions.${i}.asgNames.${j}`, n] as const,
      ),
    ),
  ),
  ...duplicates(
    raw.regions.flatMap((r, i) =>
      strings(r.securityGroupIds).map(
        (n, j) => [`regions.${i}.securityGroupIds.${j}`, n] as const,
      ),
    ),
  ),
  ...raw.rules.flatMap((t, i) => templateProblems(t, `rules.${i}`)),
  ...raw.rules.flatMap((t, i) =>
    raw.addressKind === 'ipv6' && t['protocol'] === 'icmp'
      ? [
          {
            path: `rules.${i}.protocol`,
            reason: 'icmp is IPv4 only; ICMPv6 is not supported yet',
          },
        ]
      : [],
  ),
];

const duplicates = (
  entries: readonly (readonly [string, string])[],
): Problem[] => {
  const firstPath = new Map<string, string>();
  const problems: Problem[] = [];
  for (const [path, value] of entries) {
    const first = firstPath.get(value);
    if (first === undefined) firstPath.set(value, path);
    else problems.push({ path, reason: `repeats ${value} (see ${first})` });
  }

  return problems;
};

type RawTemplate = z.infer<typeof templateSchema>;

const templateProblems = (
  t: Partial<Record<string, unknown>>,
  path: string,
): Problem[] => {
  const { protocol, fromPort: from, toPort: to } = t;
  if (protocol === 'all' || typeof protocol !== 'string') return [];
  if (from === undefined || to === undefined) {
    return [{ path, reason: `${protocol} needs fromPort and toPort` }];
  }
  if (typeof from !== 'number' || typeof to !== 'number') return [];
  if (protocol === 'icmp') {
    return from > 255 || to > 255
      ? [{ path, reason: 'icmp type and code are -1 to 255' }]
      : [];
  }

  return portProblems(from, to, path);
};

const portProblems = (from: number, to: number, path: string): Problem[] => {
  if (from < 0 || to < 0) {
    return [{ path, reason: 'ports are 0 to 65535' }];
  }

  return from > to
    ? [{ path, reason: `fromPort ${from} is above toPort ${to}` }]
    : [];
};

const toConfig = (raw: RawConfig): ClusterConfig => ({
  cluster: raw.cluster,
  regions: raw.regions,
  rules: raw.rules.map(toTemplate),
  addressKind: raw.addressKind,
  marker: {
    description: raw.marker.description ?? `sgsync:${raw.cluster}`,
    tagKey: raw.marker.tagKey,
    tagValue: raw.marker.tagValue ?? raw.cluster,
  },
  quota: raw.quota,
});

const toTemplate = (t: RawTemplate): RuleTemplate =>
  t.protocol === 'all'
    ? { protocol: 'all', fromPort: -1, toPort: -1 }
    : {
        protocol: t.protocol,
        fromPort: t.fromPort ?? 0,
        toPort: t.toPort ?? 0,
      };

/**
 * The configuration of one region, or undefined if it is not in the
 * cluster.
 */
export const regionConfig = (
  config: ClusterConfig,
  region: RegionName,
): RegionConfig | undefined => config.regions.find((r) => r.name === region);

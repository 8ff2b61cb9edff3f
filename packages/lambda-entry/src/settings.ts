import {
  parseClusterConfig,
  type ClusterConfig,
  type ConfigInvalid,
  type Problem,
} from '@sgsync/core';
import { err, ok, type Result } from 'neverthrow';

/** The environment variables the function reads, by name. */
export const ENV = {
  /** The cluster configuration, one JSON document (required). */
  config: 'SGSYNC_CONFIG',
  /** The local region; Lambda sets it. */
  region: 'AWS_REGION',
  /**
   * The most milliseconds a lifecycle run waits before it completes its
   * action (optional, default {@link DEFAULT_LIFECYCLE_BOUND_MS}).
   */
  lifecycleBoundMs: 'SGSYNC_LIFECYCLE_BOUND_MS',
  /**
   * Events after which a stream gets a new snapshot in the event table
   * (optional, default {@link DEFAULT_SNAPSHOT_EVERY}; 0 turns snapshots
   * off).
   */
  snapshotEvery: 'SGSYNC_SNAPSHOT_EVERY',
} as const;

/** The default interval of snapshots, in events. */
export const DEFAULT_SNAPSHOT_EVERY = 100;

const SNAPSHOT_RANGE = {
  min: 0,
  max: 100_000,
  default: DEFAULT_SNAPSHOT_EVERY,
  unit: 'events',
} as const;

/** The default bound of a lifecycle run, in milliseconds. */
export const DEFAULT_LIFECYCLE_BOUND_MS = 20_000;

const BOUND_RANGE = {
  min: 1_000,
  max: 600_000,
  default: DEFAULT_LIFECYCLE_BOUND_MS,
  unit: 'milliseconds',
} as const;

/** What the function runs with, read once at cold start. */
export interface Settings {
  readonly config: ClusterConfig;
  /** The region this function runs in. */
  readonly region: string;
  /** The most milliseconds a lifecycle run waits before completing. */
  readonly lifecycleBoundMs: number;
  /** Events between snapshots of a stream; 0 when snapshots are off. */
  readonly snapshotEvery: number;
}

/** The environment as Node.js gives it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads the settings from the environment. On failure the error lists
 * every problem of every variable, not only the first; problems of the
 * cluster configuration are prefixed with `SGSYNC_CONFIG.`.
 *
 * @example
 * ```ts
 * const settings = readSettings({
 *   AWS_REGION: 'us-east-1',
 *   SGSYNC_CONFIG: JSON.stringify(clusterConfig),
 * });
 * if (settings.isErr()) console.error(settings.error.message);
 * ```
 */
export const readSettings = (
  env: Environment,
): Result<Settings, ConfigInvalid> => {
  const config = readConfig(env[ENV.config]);
  const bound = readWhole(env, ENV.lifecycleBoundMs, BOUND_RANGE);
  const every = readWhole(env, ENV.snapshotEvery, SNAPSHOT_RANGE);
  const region = env[ENV.region];
  const problems = [
    ...(config.isErr() ? config.error : []),
    ...[bound, every].flatMap((r) => (r.isErr() ? [r.error] : [])),
    ...regionProblems(region, config.isOk() ? config.value : undefined),
  ];
  if (problems.length > 0 || config.isErr() || !region) {
    return err(configInvalid(problems));
  }

  return ok({
    config: config.value,
    region,
    lifecycleBoundMs: bound.unwrapOr(DEFAULT_LIFECYCLE_BOUND_MS),
    snapshotEvery: every.unwrapOr(DEFAULT_SNAPSHOT_EVERY),
  });
};

const readConfig = (
  text: string | undefined,
): Result<ClusterConfig, Problem[]> => {
  if (text === undefined || text.trim() === '') {
    return err([{ path: ENV.config, reason: 'is not set' }]);
  }

  const json = parseJson(text);
  if (json.isErr()) return err([{ path: ENV.config, reason: json.error }]);

  return parseClusterConfig(json.value).mapErr((e) =>
    e.problems.map((p) => ({
      path: `${ENV.config}.${p.path}`,
      reason: p.reason,
    })),
  );
};

const parseJson = (text: string): Result<unknown, string> => {
  try {
    return ok(JSON.parse(text));
  } catch (error) {
    return err(`is not JSON: ${(error as Error).message}`);
  }
};

interface WholeRange {
  readonly min: number;
  readonly max: number;
  readonly default: number;
  readonly unit: string;
}

/** Reads an optional whole number in a range; absent gives the default. */
const readWhole = (
  env: Environment,
  name: string,
  range: WholeRange,
): Result<number, Problem> => {
  const text = env[name];
  if (text === undefined || text.trim() === '') return ok(range.default);

  const value = Number(text);
  const inRange =
    Number.isInteger(value) && value >= range.min && value <= range.max;

  return inRange
    ? ok(value)
    : err({
        path: name,
        reason:
          `${text} is not a whole number of ${range.unit} ` +
          `from ${range.min} to ${range.max}`,
      });
};

const regionProblems = (
  region: string | undefined,
  config: ClusterConfig | undefined,
): Problem[] => {
  if (region === undefined || region === '') {
    return [{ path: ENV.region, reason: 'is not set' }];
  }
  if (config && !config.regions.some((r) => r.name === region)) {
    return [
      {
        path: ENV.region,
        reason: `${region} is not a region of cluster ${config.cluster}`,
      },
    ];
  }

  return [];
};

const configInvalid = (problems: readonly Problem[]): ConfigInvalid => ({
  kind: 'ConfigInvalid',
  message:
    `the function's configuration has ${problems.length} problem(s): ` +
    problems.map((p) => `${p.path} ${p.reason}`).join('; '),
  problems,
});

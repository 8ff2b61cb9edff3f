import { readFile } from 'node:fs/promises';
import {
  createAwsRegionPorts,
  type AwsClientOptions,
} from '@sgsync/aws-adapters';
import {
  createRegionContext,
  parseClusterConfig,
  planOnly,
  serialisePlan,
  type ClusterConfig,
  type RegionPorts,
  type RunReport,
} from '@sgsync/core';
import { err, ok, type Result } from 'neverthrow';
import { reportLines, type Print } from './render.js';

/** What `sgsync plan` was asked for. */
export interface PlanOptions {
  /** The path of the cluster configuration (JSON). */
  readonly config: string;
  /** The regions to plan; every region of the cluster when empty. */
  readonly regions: readonly string[];
  /** Print each plan as canonical JSON, one line a target. */
  readonly json: boolean;
  /** Sends every AWS call here (an emulator) instead of AWS. */
  readonly endpoint?: string;
}

/** What a plan run found. */
export interface PlanOutcome {
  /** True when every target of every region could be planned. */
  readonly planned: boolean;
  /** How many rules the plans would authorize and revoke, in all. */
  readonly changes: number;
  /** True when the options named something the cluster does not have. */
  readonly usage?: boolean;
}

/** Builds a region's ports; AWS by default, replaceable in tests. */
export type PortsOf = (config: ClusterConfig, region: string) => RegionPorts;

/**
 * Reads and validates the cluster configuration file. Every problem is
 * listed, each with its path.
 */
export const readClusterConfig = async (
  path: string,
): Promise<Result<ClusterConfig, string[]>> => {
  const text = await readFile(path, 'utf8').then(
    (t) => ok(t),
    (e: Error) => err([`${path}: ${e.message}`]),
  );
  if (text.isErr()) return err(text.error);

  const json = parseJson(text.value);
  if (json.isErr()) return err([`${path}: ${json.error}`]);

  return parseClusterConfig(json.value).mapErr((e) =>
    e.problems.map((p) => `${path}: ${p.path} ${p.reason}`),
  );
};

const parseJson = (text: string): Result<unknown, string> => {
  try {
    return ok(JSON.parse(text));
  } catch (error) {
    return err(`is not JSON: ${(error as Error).message}`);
  }
};

/**
 * Plans every target of the chosen regions from each region's own event
 * store, reading the security groups as they are, and changes nothing.
 * It needs read access only: DescribeSecurityGroupRules and the event
 * tables' Query.
 *
 * @example
 * ```ts
 * const outcome = await runPlan(config, options, (l) => console.log(l));
 * process.exitCode = outcome.planned ? 0 : 1;
 * ```
 */
export const runPlan = async (
  config: ClusterConfig,
  options: PlanOptions,
  print: Print,
  portsOf: PortsOf = awsPorts(options),
): Promise<PlanOutcome> => {
  const regions =
    options.regions.length > 0
      ? options.regions
      : config.regions.map((r) => r.name);
  const reports: RunReport[] = [];
  const unknown = regions.filter(
    (r) => !config.regions.some((c) => c.name === r),
  );
  if (unknown.length > 0) {
    print(`not a region of cluster ${config.cluster}: ${unknown.join(', ')}`);
    return { planned: false, changes: 0, usage: true };
  }
  for (const region of regions) {
    const ctx = createRegionContext(config, portsOf(config, region));
    if (ctx.isErr()) {
      print(`${region}: ${ctx.error.message}`);
      return { planned: false, changes: 0 };
    }
    reports.push(await planOnly(ctx.value));
  }
  reports.forEach((r) => printReport(r, options.json, print));

  return outcomeOf(reports);
};

const awsPorts =
  (options: PlanOptions): PortsOf =>
  (config, region) => {
    const client: AwsClientOptions =
      options.endpoint === undefined ? {} : { endpoint: options.endpoint };

    return createAwsRegionPorts(config, region, client);
  };

const printReport = (report: RunReport, json: boolean, print: Print) => {
  if (!json) {
    print(`${report.region}:`);
    reportLines(report)
      .filter((line) => !line.startsWith('recorded '))
      .forEach((line) => print(`  ${line}`));
    return;
  }

  report.targets.forEach((t) => print(serialisePlan(t.plan)));
  report.failures.forEach((f) =>
    print(
      JSON.stringify({
        failure: {
          region: f.region,
          step: f.step,
          kind: f.error.kind,
          message: f.error.message,
        },
      }),
    ),
  );
};

const outcomeOf = (reports: readonly RunReport[]): PlanOutcome => ({
  planned: reports.every((r) => r.failures.length === 0),
  changes: reports
    .flatMap((r) => r.targets)
    .reduce((n, t) => n + t.plan.authorize.length + t.plan.revoke.length, 0),
});

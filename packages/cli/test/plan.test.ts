import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trueUp } from '@sgsync/core';
import { createInMemoryCluster } from '@sgsync/in-memory';
import { describe, expect, it } from 'vitest';
import { demoConfig } from '../src/demo.js';
import { readClusterConfig, runPlan, type PlanOptions } from '../src/plan.js';

const options = (over: Partial<PlanOptions> = {}): PlanOptions => ({
  config: 'cluster.json',
  regions: [],
  json: false,
  ...over,
});

const configFile = async (content: string): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'sgsync-plan-'));
  const path = join(dir, 'cluster.json');
  await writeFile(path, content);

  return path;
};

describe('sgsync plan', () => {
  it('prints what every region would change, and changes nothing', async () => {
    // arrange: east knows a member and lost its rules out of band; west
    // was never told
    const cluster = createInMemoryCluster(demoConfig(), { hooks: false });
    const east = cluster.region('us-east-1');
    east.autoScaling.attach('orders-db-use1');
    await trueUp(cluster.context('us-east-1'));
    const group = 'sg-0a1b2c3d4e5f60001';
    for (const rule of east.firewall.rulesOf(group)) {
      east.firewall.removeRule(group, rule.ruleId);
    }
    const lines: string[] = [];

    // act
    const outcome = await runPlan(
      cluster.config,
      options(),
      (line) => lines.push(line),
      (_config, region) => cluster.region(region).ports,
    );

    // assert
    expect(outcome).toEqual({ planned: true, changes: 4 });
    expect(lines.join('\n')).toContain(
      'plan us-east-1 sg-0a1b2c3d4e5f60001: +2 -0',
    );
    expect(east.firewall.rulesOf(group)).toEqual([]);
  });

  it('prints one canonical JSON plan a target with --json', async () => {
    // arrange
    const cluster = createInMemoryCluster(demoConfig(), { hooks: false });
    const lines: string[] = [];

    // act
    await runPlan(
      cluster.config,
      options({ json: true, regions: ['eu-west-1'] }),
      (line) => lines.push(line),
      (_config, region) => cluster.region(region).ports,
    );

    // assert
    expect(lines.map((l) => JSON.parse(l).target.id)).toEqual([
      'sg-0a1b2c3d4e5f60002',
    ]);
  });

  it('names a region that is not in the cluster, as a usage error', async () => {
    // arrange
    const cluster = createInMemoryCluster(demoConfig(), { hooks: false });
    const lines: string[] = [];

    // act
    const outcome = await runPlan(
      cluster.config,
      options({ regions: ['ap-south-1'] }),
      (line) => lines.push(line),
      (_config, region) => cluster.region(region).ports,
    );

    // assert
    expect(outcome).toMatchObject({ planned: false, usage: true });
    expect(lines).toEqual(['not a region of cluster orders-db: ap-south-1']);
  });

  it('reports a region that cannot be planned', async () => {
    // arrange
    const cluster = createInMemoryCluster(demoConfig(), { hooks: false });
    cluster.faults.makeUnreachable('eu-west-1');

    // act
    const outcome = await runPlan(
      cluster.config,
      options(),
      () => undefined,
      (_config, region) => cluster.region(region).ports,
    );

    // assert
    expect(outcome.planned).toBe(false);
  });

  it('lists every problem of a configuration file with its path', async () => {
    // arrange
    const path = await configFile(
      JSON.stringify({ cluster: 'bad name', regions: [], rules: [] }),
    );

    // act
    const problems = (await readClusterConfig(path))._unsafeUnwrapErr();

    // assert
    expect(problems).toEqual([
      `${path}: cluster must be 1-64 of a-z A-Z 0-9 . _ -`,
      `${path}: regions needs at least one region`,
      `${path}: rules needs at least one rule template`,
    ]);
  });

  it('reports a file that is not JSON, or not there', async () => {
    const path = await configFile('{ not json');

    expect((await readClusterConfig(path))._unsafeUnwrapErr()[0]).toMatch(
      /is not JSON/,
    );
    expect(
      (await readClusterConfig(`${path}.missing`))._unsafeUnwrapErr()[0],
    ).toMatch(/ENOENT/);
  });
});

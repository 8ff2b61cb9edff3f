import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createAwsRegionPorts } from '@sgsync/aws-adapters';
import { createRegionContext, parseClusterConfig, trueUp } from '@sgsync/core';
import { describe, expect, it } from 'vitest';
import {
  createEventTable,
  createGroup,
  createSecurityGroup,
  fixtureClients,
  removeRule,
} from '../../aws-adapters/test/support/fixtures.js';
import {
  motoEndpoint,
  motoOptions,
} from '../../aws-adapters/test/support/moto.js';

const REGION = 'us-west-2';
const bin = fileURLToPath(new URL('../bin/sgsync.js', import.meta.url));
const run = promisify(execFile);

const ruleIdsOf = async (groupId: string): Promise<string[]> => {
  const firewall = createAwsRegionPorts(
    parseClusterConfig(documentOf('asg', groupId, 'table'))._unsafeUnwrap(),
    REGION,
    motoOptions(),
  ).firewall;
  const rules = await firewall.readRules({
    region: REGION,
    kind: 'security-group',
    id: groupId,
  });

  return rules._unsafeUnwrap().map((r) => r.ruleId);
};

const documentOf = (asgName: string, groupId: string, eventTable: string) => ({
  cluster: 'plan-on-moto',
  regions: [
    {
      name: REGION,
      asgNames: [asgName],
      securityGroupIds: [groupId],
      eventTable,
    },
  ],
  rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
});

const writeConfig = async (document: unknown): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'sgsync-plan-'));
  const path = join(dir, 'cluster.json');
  await writeFile(path, JSON.stringify(document));

  return path;
};

describe('sgsync plan on moto', () => {
  it('plans the rule an operator removed by hand, and changes nothing', async () => {
    // arrange: a group of two instances, trued up, then one rule removed
    const clients = fixtureClients(REGION);
    const { asgName } = await createGroup(clients, 2, REGION);
    const securityGroupId = await createSecurityGroup(clients.ec2);
    const eventTable = await createEventTable(clients.dynamoDb);
    const document = documentOf(asgName, securityGroupId, eventTable);
    const config = parseClusterConfig(document)._unsafeUnwrap();
    const ports = createAwsRegionPorts(config, REGION, motoOptions());
    await trueUp(createRegionContext(config, ports)._unsafeUnwrap());
    const [removed] = await ruleIdsOf(securityGroupId);
    await removeRule(clients.ec2, securityGroupId, removed ?? '');
    const path = await writeConfig(document);

    // act
    const { stdout } = await run(
      process.execPath,
      [bin, 'plan', '--config', path, '--endpoint', motoEndpoint(), '--json'],
      { timeout: 60_000 },
    );

    // assert
    const plans = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(plans).toEqual([
      {
        target: { region: REGION, kind: 'security-group', id: securityGroupId },
        authorize: [expect.stringMatching(/^tcp 7000-7001 .+\/32$/)],
        revoke: [],
      },
    ]);
    expect(await ruleIdsOf(securityGroupId)).toHaveLength(1);
  });

  it('exits 2 and names the problem of a bad configuration', async () => {
    // arrange
    const path = await writeConfig({ cluster: 'x', rules: [] });

    // act
    const failed = run(process.execPath, [
      bin,
      'plan',
      '--config',
      path,
      '--endpoint',
      motoEndpoint(),
    ]);

    // assert
    await expect(failed).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('regions'),
    });
  });
});

import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  AutoScalingLifecycleSignal,
  createAwsClients,
  createAwsRegionPorts,
  type AwsRegionPortsOptions,
} from '@sgsync/aws-adapters';
import {
  parseClusterConfig,
  streamName,
  type ClusterConfig,
} from '@sgsync/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createHandler,
  type InvocationResult,
  type SgsyncHandler,
} from '../src/index.js';
import { lifecycleEvent, scheduledEvent } from './fixtures.js';
import {
  createEventTable,
  createGroup,
  createSecurityGroup,
  groupInstances,
  motoEndpoint,
  resizeGroup,
  uniqueName,
} from './support/moto-fixtures.js';
import { MotoProxy, type PutEntry } from './support/moto-proxy.js';

const USE1 = 'us-east-1';
const EUW1 = 'eu-west-1';
const REGIONS = [USE1, EUW1] as const;
const BOUND_MS = 2_000;
const context = { getRemainingTimeInMillis: () => 60_000 };

interface Region {
  readonly name: string;
  readonly asgName: string;
  readonly securityGroupId: string;
}

let proxy: MotoProxy;
let config: ClusterConfig;
const regions = new Map<string, Region>();
const handlers = new Map<string, SgsyncHandler>();

const regionOf = (name: string): Region => {
  const region = regions.get(name);
  if (!region) throw new Error(`no region ${name}`);

  return region;
};

/** Through the proxy; no retries, and no timeout but the handler's bound. */
const handlerOptions = (): AwsRegionPortsOptions => ({
  endpoint: proxy.endpoint,
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 60_000,
  maxAttempts: 1,
  retryMode: 'standard',
});

const silentTelemetry = () => {
  const metrics = new Metrics({ namespace: 'sgsync', serviceName: 'sgsync' });
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    metrics.clearMetrics();
    return metrics;
  });

  return {
    logger: new Logger({ serviceName: 'sgsync', logLevel: 'SILENT' }),
    metrics,
  };
};

const handlerFor = (region: string): SgsyncHandler =>
  createHandler({
    env: {
      AWS_REGION: region,
      SGSYNC_CONFIG: JSON.stringify(config),
      SGSYNC_LIFECYCLE_BOUND_MS: String(BOUND_MS),
    },
    portsFor: (c, r) =>
      createAwsRegionPorts(c, r, { ...handlerOptions(), snapshotEvery: 2 }),
    lifecycleFor: (r) =>
      new AutoScalingLifecycleSignal({
        client: createAwsClients(r, handlerOptions()).autoScaling,
        region: r,
      }),
    telemetry: silentTelemetry(),
  });

const invoke = (region: string, event: unknown): Promise<InvocationResult> => {
  const handler = handlers.get(region);
  if (!handler) throw new Error(`no handler in ${region}`);

  return handler(event, context);
};

/** Scales a group and sends the lifecycle events Auto Scaling would. */
const scale = async (name: string, size: number) => {
  const region = regionOf(name);
  const { launched, terminated } = await resizeGroup(
    name,
    region.asgName,
    size,
  );
  const changes = [
    ...launched.map((id) => ['launching', id] as const),
    ...terminated.map((id) => ['terminating', id] as const),
  ];
  const results = [];
  for (const [transition, instanceId] of changes) {
    const token = randomUUID();
    proxy.addPendingAction(token);
    const event = lifecycleEvent({
      transition,
      region: name,
      asgName: region.asgName,
      instanceId,
      token,
    });
    results.push({ token, result: await invoke(name, event) });
  }

  return results;
};

/** What EventBridge delivers for an entry the function put on a bus. */
const delivered = (entry: PutEntry) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': entry.detailType,
  source: entry.source,
  account: '123456789012',
  time: new Date().toISOString(),
  region: entry.region,
  resources: [],
  detail: entry.detail,
});

/** Delivers every notice put so far to the handler of its region. */
const deliverNotices = async () => {
  for (const entry of proxy.takeEntries()) {
    await invoke(entry.region, delivered(entry));
  }
};

/** Reads moto directly, not through the proxy. */
const observer = (region: string) =>
  createAwsRegionPorts(config, region, { endpoint: motoEndpoint() });

const clusterCidrs = async (): Promise<string[]> => {
  const cidrs: string[] = [];
  for (const name of REGIONS) {
    const region = regionOf(name);
    const seen = await observer(name).membership.observe([region.asgName]);
    const members = seen._unsafeUnwrap().instances;
    expect(members.map((m) => m.instanceId).sort()).toEqual(
      await groupInstances(name, region.asgName),
    );
    cidrs.push(...members.map((m) => `${m.addresses.publicIpv4}/32`));
  }

  return cidrs.sort();
};

const managedCidrs = async (name: string): Promise<string[]> => {
  const region = regionOf(name);
  const rules = await observer(name).firewall.readRules({
    region: name,
    kind: 'security-group',
    id: region.securityGroupId,
  });

  return rules
    ._unsafeUnwrap()
    .filter((r) => r.description === config.marker.description)
    .map((r) => r.cidr ?? '')
    .sort();
};

/** The snapshot of a region's own stream in its event table, if any. */
const snapshotOf = async (name: string) => {
  const ports = createAwsRegionPorts(config, name, {
    endpoint: motoEndpoint(),
    snapshotEvery: 2,
  });
  const read = await ports.snapshots?.readSnapshot(
    streamName(config.cluster, name),
  );

  return read?._unsafeUnwrap();
};

describe('the handler on moto in two regions', () => {
  beforeAll(async () => {
    proxy = await MotoProxy.start(motoEndpoint());
    const raw = [];
    for (const name of REGIONS) {
      const asgName = await createGroup(name, 1);
      const securityGroupId = await createSecurityGroup(name);
      const eventTable = await createEventTable(name);
      regions.set(name, { name, asgName, securityGroupId });
      raw.push({
        name,
        asgNames: [asgName],
        securityGroupIds: [securityGroupId],
        eventTable,
      });
    }
    config = parseClusterConfig({
      cluster: uniqueName('e2e'),
      regions: raw,
      rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
    })._unsafeUnwrap();
    REGIONS.forEach((name) => handlers.set(name, handlerFor(name)));
    for (const name of REGIONS) await invoke(name, scheduledEvent(name));
    await deliverNotices();
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('holds exactly the cluster addresses after a scale-out and a scale-in in each region (CompleteLifecycleAction answered by a proxy)', async () => {
    // act
    const runs = [
      ...(await scale(USE1, 3)),
      ...(await scale(EUW1, 2)),
      ...(await scale(USE1, 2)),
      ...(await scale(EUW1, 1)),
    ];
    await deliverNotices();

    // assert
    expect(runs).toHaveLength(5);
    for (const { token, result } of runs) {
      expect(result).toMatchObject({ status: 'done', lifecycle: 'completed' });
      expect(proxy.completions.get(token)).toBe('CONTINUE');
    }
    const cidrs = await clusterCidrs();
    expect(cidrs).toHaveLength(3);
    expect(await managedCidrs(USE1)).toEqual(cidrs);
    expect(await managedCidrs(EUW1)).toEqual(cidrs);
    expect((await snapshotOf(USE1))?.version).toBeGreaterThanOrEqual(2);
  });

  it('completes a launch within the bound while the other region hangs, and one true-up per region converges (CompleteLifecycleAction answered by a proxy)', async () => {
    // arrange
    proxy.hang(EUW1);

    // act
    const [run] = await scale(USE1, 3);
    proxy.heal(EUW1);
    const localAfterLaunch = await managedCidrs(USE1);
    await invoke(EUW1, scheduledEvent(EUW1));
    await invoke(USE1, scheduledEvent(USE1));

    // assert
    expect(run?.result).toMatchObject({
      status: 'partial',
      lifecycle: 'completed',
      failures: [
        expect.objectContaining({
          step: 'replicate',
          region: EUW1,
          kind: 'Unreachable',
          message: expect.stringContaining('deadline'),
        }),
      ],
    });
    expect(proxy.completions.get(run?.token ?? '')).toBe('CONTINUE');
    const cidrs = await clusterCidrs();
    expect(cidrs).toHaveLength(4);
    expect(localAfterLaunch).toEqual(cidrs);
    expect(await managedCidrs(EUW1)).toEqual(cidrs);
    expect(await managedCidrs(USE1)).toEqual(cidrs);
  });
});

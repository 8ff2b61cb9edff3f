import {
  err,
  errAsync,
  ok,
  okAsync,
  type Result,
  type ResultAsync,
} from 'neverthrow';
import type { ClusterConfig, RegionConfig } from '../config.js';
import type { ConfigInvalid, SgsyncError } from '../errors.js';
import { streamName, type StreamName } from '../events.js';
import type { TargetRef } from '../model.js';
import type { EventStore, RegionPorts } from '../ports.js';

/** What every use case runs with: the cluster and one region's ports. */
export interface RegionContext {
  readonly config: ClusterConfig;
  readonly ports: RegionPorts;
}

/** The local region's configuration; the context guarantees it exists. */
export const localRegion = (ctx: RegionContext): RegionConfig => {
  const region = ctx.config.regions.find((r) => r.name === ctx.ports.region);
  if (!region) {
    throw new Error(`region ${ctx.ports.region} is not in the cluster`);
  }

  return region;
};

/** The local region's own stream. */
export const localStream = (ctx: RegionContext): StreamName =>
  streamName(ctx.config.cluster, ctx.ports.region);

/** The other regions of the cluster. */
export const remoteRegions = (ctx: RegionContext): RegionConfig[] =>
  ctx.config.regions.filter((r) => r.name !== ctx.ports.region);

/** The firewall targets of the local region. */
export const localTargets = (ctx: RegionContext): TargetRef[] =>
  localRegion(ctx).securityGroupIds.map((id) => ({
    region: ctx.ports.region,
    kind: 'security-group',
    id,
  }));

/** The event store of a region, or a NotFound error if none was given. */
export const storeOf = (
  ctx: RegionContext,
  region: string,
): ResultAsync<EventStore, SgsyncError> => {
  const store = ctx.ports.stores.get(region);

  return store
    ? okAsync(store)
    : errAsync<EventStore, SgsyncError>({
        kind: 'NotFound',
        message: `no event store was given for region ${region}`,
        resource: `event-store:${region}`,
      });
};

/**
 * Checks that the ports fit the cluster (the region is in it, and there
 * is an event store for every region) and returns the context.
 */
export const createRegionContext = (
  config: ClusterConfig,
  ports: RegionPorts,
): Result<RegionContext, ConfigInvalid> => {
  const problems = [
    ...(config.regions.some((r) => r.name === ports.region)
      ? []
      : [{ path: 'region', reason: `${ports.region} is not in the cluster` }]),
    ...config.regions
      .filter((r) => !ports.stores.has(r.name))
      .map((r) => ({ path: 'stores', reason: `no store for ${r.name}` })),
  ];

  return problems.length === 0
    ? ok({ config, ports })
    : err({
        kind: 'ConfigInvalid',
        message: problems.map((p) => `${p.path} ${p.reason}`).join('; '),
        problems,
      });
};

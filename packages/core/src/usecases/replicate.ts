import { okAsync, type ResultAsync } from 'neverthrow';
import type { SgsyncError } from '../errors.js';
import { streamName, type StreamName } from '../events.js';
import type { EventStore } from '../ports.js';
import {
  localStream,
  remoteRegions,
  storeOf,
  type RegionContext,
} from './context.js';
import type { ReplicationReport, StepFailure } from './report.js';

/** Every region's outcome of one replication step. */
export interface ReplicationResults {
  readonly copied: ReplicationReport[];
  readonly failures: StepFailure[];
}

/**
 * Pushes the local stream into every other region's store: each remote
 * store is asked which version it holds, and gets the events after it.
 * Regions are handled at once; a failing region never stops the others.
 */
export const pushToRemotes = (
  ctx: RegionContext,
): Promise<ReplicationResults> =>
  settle(
    remoteRegions(ctx).map((remote) =>
      storeOf(ctx, ctx.ports.region).andThen((local) =>
        storeOf(ctx, remote.name).andThen((target) =>
          copyMissing(local, target, localStream(ctx)).map((copied) => ({
            region: remote.name,
            stream: localStream(ctx),
            copied,
          })),
        ),
      ),
    ),
    remoteRegions(ctx).map((r) => r.name),
    'replicate',
  );

/**
 * Pulls every other region's stream from that region's store into the
 * local store: what a remote region could not push while this one was
 * unreachable.
 */
export const pullFromRemotes = (
  ctx: RegionContext,
  regions = remoteRegions(ctx).map((r) => r.name),
): Promise<ReplicationResults> =>
  settle(
    regions.map((region) => {
      const stream = streamName(ctx.config.cluster, region);

      return storeOf(ctx, region).andThen((source) =>
        storeOf(ctx, ctx.ports.region).andThen((local) =>
          copyMissing(source, local, stream).map((copied) => ({
            region,
            stream,
            copied,
          })),
        ),
      );
    }),
    regions,
    'pull',
  );

/**
 * Copies the events of a stream that `target` lacks from `source`. Two
 * reads and at most one write; nothing is written when both agree.
 */
export const copyMissing = (
  source: EventStore,
  target: EventStore,
  stream: StreamName,
): ResultAsync<number, SgsyncError> =>
  target
    .readStream(stream, Number.MAX_SAFE_INTEGER)
    .andThen((held) =>
      source
        .readStream(stream, held.version)
        .andThen((slice) =>
          slice.events.length === 0
            ? okAsync(0)
            : target.copyEvents(stream, slice.events).map((r) => r.copied),
        ),
    );

const settle = async (
  runs: readonly ResultAsync<ReplicationReport, SgsyncError>[],
  regions: readonly string[],
  step: 'replicate' | 'pull',
): Promise<ReplicationResults> => {
  const results = await Promise.all(runs);
  const copied: ReplicationReport[] = [];
  const failures: StepFailure[] = [];
  results.forEach((result, i) =>
    result.match(
      (report) => copied.push(report),
      (error) => failures.push({ step, region: regions[i] ?? '?', error }),
    ),
  );

  return { copied, failures };
};

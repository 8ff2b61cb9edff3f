import { err, okAsync, type Result, type ResultAsync } from 'neverthrow';
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
 * A promise that settles when remote regions must stop being waited on.
 * A region that has not answered by then is reported `Unreachable`; what
 * it was doing goes on unobserved, and the next true-up repairs it.
 */
export type Deadline = Promise<unknown> | undefined;

/**
 * Copies the local stream into one other region's store: that store is
 * asked which version it holds, and gets the events after it.
 */
export const pushTo = (
  ctx: RegionContext,
  region: string,
): ResultAsync<ReplicationReport, SgsyncError> =>
  storeOf(ctx, ctx.ports.region).andThen((local) =>
    storeOf(ctx, region).andThen((target) =>
      copyMissing(local, target, localStream(ctx)).map((copied) => ({
        region,
        stream: localStream(ctx),
        copied,
      })),
    ),
  );

/**
 * Pulls other regions' streams from their own stores into the local
 * store: what a remote region could not push while this one was
 * unreachable. Regions are asked at once; a failing or late region never
 * stops the others.
 */
export const pullFromRemotes = async (
  ctx: RegionContext,
  regions = remoteRegions(ctx).map((r) => r.name),
  deadline?: Deadline,
): Promise<ReplicationResults> => {
  const results = await Promise.all(
    regions.map((region) =>
      beforeDeadline(pullFrom(ctx, region), region, deadline),
    ),
  );

  return collect(results, regions, 'pull');
};

const pullFrom = (
  ctx: RegionContext,
  region: string,
): ResultAsync<ReplicationReport, SgsyncError> => {
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
};

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

/**
 * Waits for a remote call no longer than the deadline; past it, the call
 * counts as `Unreachable` for that region.
 */
export const beforeDeadline = <T>(
  run: PromiseLike<Result<T, SgsyncError>>,
  region: string,
  deadline: Deadline,
): Promise<Result<T, SgsyncError>> => {
  if (deadline === undefined) return Promise.resolve(run);

  const late = (): Result<T, SgsyncError> =>
    err({
      kind: 'Unreachable',
      message: `${region} did not answer before the deadline`,
      region,
      service: LATE,
    });

  return Promise.race([Promise.resolve(run), deadline.then(late, late)]);
};

const LATE = 'remote-steps';

/** True for the error of a call that the deadline cut short. */
export const isLate = (error: SgsyncError): boolean =>
  error.kind === 'Unreachable' && error.service === LATE;

const collect = (
  results: readonly Result<ReplicationReport, SgsyncError>[],
  regions: readonly string[],
  step: 'replicate' | 'pull',
): ReplicationResults => {
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

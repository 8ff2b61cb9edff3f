import { okAsync, type ResultAsync } from 'neverthrow';
import type { SgsyncError } from '../errors.js';
import type { StreamName } from '../events.js';
import { replay, type MembershipState } from '../membership.js';
import type { EventStore, SnapshotStore, StreamSlice } from '../ports.js';
import { restoreState, toSnapshot, type Snapshot } from '../snapshot.js';
import type { RegionContext } from './context.js';

/**
 * How many events may follow a stream's last snapshot before a reader
 * writes a new one, unless the ports say otherwise.
 */
export const DEFAULT_SNAPSHOT_EVERY = 100;

/** A stream's state, and the version its last snapshot was taken at. */
interface Folded {
  readonly state: MembershipState;
  readonly snapshotVersion: number;
}

/**
 * The state of one stream of a store: with a snapshot store, the latest
 * snapshot and only the events after it; otherwise every event. A
 * snapshot is only a shortcut: one that cannot be read, or that is ahead
 * of the stream, is ignored and the stream replayed in full. When more
 * than `snapshotEvery` events followed the snapshot, a new one is
 * written (unless `keepSnapshots` is false, as in a plan-only run); a
 * failed write changes nothing but the next read's cost.
 */
export const readStreamState = (
  ctx: RegionContext,
  store: EventStore,
  stream: StreamName,
  keepSnapshots = true,
): ResultAsync<MembershipState, SgsyncError> => {
  const snapshots = ctx.ports.snapshots;
  if (snapshots === undefined) return fullState(store, stream);

  const folded = snapshots
    .readSnapshot(stream)
    .orElse(() => okAsync<Snapshot | undefined, SgsyncError>(undefined))
    .andThen((snapshot) => foldFrom(store, stream, snapshot));

  return keepSnapshots
    ? folded.andThen((f) => keepSnapshot(ctx, snapshots, stream, f))
    : folded.map((f) => f.state);
};

const fullState = (
  store: EventStore,
  stream: StreamName,
): ResultAsync<MembershipState, SgsyncError> =>
  store.readStream(stream).map((slice) => foldSlice(slice));

const foldFrom = (
  store: EventStore,
  stream: StreamName,
  snapshot: Snapshot | undefined,
): ResultAsync<Folded, SgsyncError> => {
  if (snapshot === undefined || snapshot.version === 0) {
    return fullState(store, stream).map(fromScratch);
  }

  return store.readStream(stream, snapshot.version).andThen((slice) =>
    slice.version < snapshot.version
      ? fullState(store, stream).map(fromScratch)
      : okAsync({
          state: foldSlice(slice, restoreState(snapshot)),
          snapshotVersion: snapshot.version,
        }),
  );
};

const foldSlice = (
  slice: StreamSlice,
  from?: MembershipState,
): MembershipState =>
  replay(
    slice.events.map((e) => e.event),
    from,
  );

const fromScratch = (state: MembershipState): Folded => ({
  state,
  snapshotVersion: 0,
});

const keepSnapshot = (
  ctx: RegionContext,
  snapshots: SnapshotStore,
  stream: StreamName,
  folded: Folded,
): ResultAsync<MembershipState, SgsyncError> => {
  const every = ctx.ports.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
  if (folded.state.version - folded.snapshotVersion <= every) {
    return okAsync(folded.state);
  }

  return snapshots
    .writeSnapshot(stream, toSnapshot(folded.state))
    .map(() => folded.state)
    .orElse(() => okAsync(folded.state));
};

import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { SgsyncError } from '../errors.js';
import type {
  MembershipCommand,
  MembershipEvent,
  StoredEvent,
  StreamName,
} from '../events.js';
import { decide, replay, type MembershipState } from '../membership.js';
import type { Observation } from '../model.js';
import { chunk } from '../plan.js';
import type { EventStore, StreamSlice } from '../ports.js';
import {
  localRegion,
  localStream,
  storeOf,
  type RegionContext,
} from './context.js';
import { readStreamState } from './streams.js';

/** How often a run re-observes and re-decides after a version conflict. */
export const MAX_APPEND_ATTEMPTS = 3;

/** Builds the commands of one run from what was observed. */
export type CommandsOf = (observation: Observation) => MembershipCommand[];

/** What recording did: the events appended and the stream's state. */
export interface Recorded {
  readonly events: readonly StoredEvent[];
  readonly state: MembershipState;
}

/**
 * Observes the local Auto Scaling groups, decides what changed and
 * appends it to the local stream with the version it read. On a version
 * conflict (another run appended first) it observes and decides again.
 */
export const observeAndRecord = (
  ctx: RegionContext,
  commandsOf: CommandsOf,
  attempt = 1,
): ResultAsync<Recorded, SgsyncError> =>
  ctx.ports.membership
    .observe(localRegion(ctx).asgNames)
    .andThen((observation) => record(ctx, commandsOf(observation)))
    .orElse((error) =>
      error.kind === 'VersionConflict' && attempt < MAX_APPEND_ATTEMPTS
        ? observeAndRecord(ctx, commandsOf, attempt + 1)
        : errorOf<Recorded>(error),
    );

const record = (
  ctx: RegionContext,
  commands: readonly MembershipCommand[],
): ResultAsync<Recorded, SgsyncError> => {
  const stream = localStream(ctx);

  return storeOf(ctx, ctx.ports.region).andThen((store) =>
    readStreamState(ctx, store, stream).andThen((state) => {
      const events = decideAll(commands, state);
      if (events.length === 0) return okAsync({ events: [], state });

      return appendInParts(store, stream, state.version, events).map(() => ({
        events: events.map((event, i) => ({
          stream,
          version: state.version + i + 1,
          event,
        })),
        state: replay(events, state),
      }));
    }),
  );
};

/**
 * Appends events in parts of at most the store's limit, one after the
 * other, each expecting the version the previous part left.
 */
const appendInParts = (
  store: EventStore,
  stream: StreamName,
  version: number,
  events: readonly MembershipEvent[],
): ResultAsync<{ readonly version: number }, SgsyncError> => {
  const size = store.maxEventsPerAppend ?? events.length;
  const [first, ...rest] = chunk(events, Math.max(1, size));

  return rest.reduce(
    (previous, part) =>
      previous.andThen((done) =>
        store.appendToStream(stream, done.version, part),
      ),
    store.appendToStream(stream, version, first ?? []),
  );
};

/** The state of a stream from a full read. */
export const stateOf = (slice: StreamSlice): MembershipState =>
  replay(slice.events.map((e) => e.event));

/**
 * Decides a list of commands in order, each on the state the previous
 * ones left.
 */
export const decideAll = (
  commands: readonly MembershipCommand[],
  state: MembershipState,
): ReturnType<typeof decide> => {
  const events: ReturnType<typeof decide> = [];
  let current = state;
  for (const command of commands) {
    const decided = decide(command, current);
    events.push(...decided);
    current = replay(decided, current);
  }

  return events;
};

const errorOf = <T>(error: SgsyncError): ResultAsync<T, SgsyncError> =>
  errAsync(error);

import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import type { StreamCorrupt } from './errors.js';
import type { StreamName } from './events.js';
import type { InstanceId } from './model.js';
import {
  compareText,
  type MemberRecord,
  type MembershipState,
} from './membership.js';

/** A terminated instance as a snapshot keeps it. */
export interface DepartedRecord {
  readonly instanceId: InstanceId;
  /** When it was seen leaving, as its `MemberLeft` event says. */
  readonly leftAt: string;
}

/**
 * A membership state as plain data: the members and the recent
 * departures, each ordered by instance id, so that equal states give
 * equal JSON.
 */
export interface SnapshotState {
  readonly members: readonly MemberRecord[];
  readonly departed: readonly DepartedRecord[];
}

/**
 * The state of a stream folded from its first `version` events, kept so
 * that a reader replays only the events after it.
 */
export interface Snapshot {
  readonly version: number;
  readonly state: SnapshotState;
}

/**
 * The snapshot of a state: the same instances as plain data, at the
 * state's version. Pure; the state is not changed.
 *
 * @example
 * ```ts
 * const snapshot = toSnapshot(replay(events));
 * JSON.stringify(snapshot.state); // what a snapshot store keeps
 * ```
 */
export const toSnapshot = (state: MembershipState): Snapshot => ({
  version: state.version,
  state: {
    members: [...state.members.values()]
      .map(plainRecord)
      .sort((a, b) => compareText(a.instanceId, b.instanceId)),
    departed: [...state.departed]
      .map(([instanceId, leftAt]) => ({ instanceId, leftAt }))
      .sort((a, b) => compareText(a.instanceId, b.instanceId)),
  },
});

/** The state a snapshot was taken of. */
export const restoreState = (snapshot: Snapshot): MembershipState => ({
  version: snapshot.version,
  members: new Map(snapshot.state.members.map((m) => [m.instanceId, m])),
  departed: new Map(
    snapshot.state.departed.map((d) => [d.instanceId, d.leftAt]),
  ),
});

const plainRecord = (record: MemberRecord): MemberRecord => ({
  instanceId: record.instanceId,
  asgName: record.asgName,
  addresses: { ...record.addresses },
});

const addressesSchema = z.strictObject({
  publicIpv4: z.string().optional(),
  privateIpv4: z.string().optional(),
  ipv6: z.string().optional(),
});

const snapshotSchema = z.strictObject({
  version: z.number().int().min(0),
  state: z.strictObject({
    members: z.array(
      z.strictObject({
        instanceId: z.string().min(1),
        asgName: z.string(),
        addresses: addressesSchema,
      }),
    ),
    departed: z.array(
      z.strictObject({
        instanceId: z.string().min(1),
        leftAt: z.string().min(1),
      }),
    ),
  }),
});

/**
 * Checks data read back from a snapshot store (parsed JSON, say) and
 * returns it as a snapshot; anything else is `StreamCorrupt`, naming the
 * stream, so that the reader can fall back to a full replay.
 *
 * @example
 * ```ts
 * const snapshot = parseSnapshot(stream, JSON.parse(text));
 * ```
 */
export const parseSnapshot = (
  stream: StreamName,
  data: unknown,
): Result<Snapshot, StreamCorrupt> => {
  const parsed = snapshotSchema.safeParse(data);
  if (!parsed.success) {
    return err({
      kind: 'StreamCorrupt',
      message: `the snapshot of ${stream} is not a membership snapshot`,
      stream,
      version: 0,
    });
  }

  return ok(withoutAbsentAddresses(parsed.data));
};

/** Drops address keys that parsed as absent, as compactAddresses would. */
const withoutAbsentAddresses = (
  snapshot: z.infer<typeof snapshotSchema>,
): Snapshot => ({
  version: snapshot.version,
  state: {
    members: snapshot.state.members.map((m) => ({
      ...m,
      addresses: Object.fromEntries(
        Object.entries(m.addresses).filter(([, v]) => v !== undefined),
      ),
    })),
    departed: snapshot.state.departed,
  },
});

/**
 * Every failure that sgsync reports, as data. Adapters translate SDK and
 * network exceptions into one of these kinds at their edge; nothing above
 * an adapter ever sees an exception.
 *
 * @example
 * ```ts
 * import { match } from 'ts-pattern';
 * import type { SgsyncError } from '@sgsync/core';
 *
 * const describe = (error: SgsyncError): string =>
 *   match(error)
 *     .with({ kind: 'QuotaExceeded' }, (e) => `${e.target} is full`)
 *     .otherwise((e) => e.message);
 * ```
 */
export type SgsyncError =
  | ConfigInvalid
  | InputInvalid
  | VersionConflict
  | StreamCorrupt
  | QuotaExceeded
  | UnsafeRule
  | Stale
  | Unreachable
  | Throttled
  | NotFound
  | Rejected
  | Unexpected;

/** One problem found in a configuration or an input document. */
export interface Problem {
  /** Where the problem is, as a dotted path (`regions.0.asgNames`). */
  readonly path: string;
  /** What is wrong there, in words. */
  readonly reason: string;
}

/** The cluster configuration is invalid; `problems` lists every problem. */
export interface ConfigInvalid {
  readonly kind: 'ConfigInvalid';
  readonly message: string;
  readonly problems: readonly Problem[];
}

/** An input (an event, a command, an observation) is malformed. */
export interface InputInvalid {
  readonly kind: 'InputInvalid';
  readonly message: string;
  readonly problems: readonly Problem[];
}

/** An append found the stream at another version than expected. */
export interface VersionConflict {
  readonly kind: 'VersionConflict';
  readonly message: string;
  readonly stream: string;
  readonly expectedVersion: number;
  readonly actualVersion: number | undefined;
}

/**
 * A stream holds something it must not: a gap in its versions, or another
 * event at a version that a replica copy tried to write.
 */
export interface StreamCorrupt {
  readonly kind: 'StreamCorrupt';
  readonly message: string;
  readonly stream: string;
  readonly version: number;
}

/** Applying the plan would exceed the target's rule quota. */
export interface QuotaExceeded {
  readonly kind: 'QuotaExceeded';
  readonly message: string;
  /** The target's id, e.g. `sg-0123456789abcdef0`. */
  readonly target: string;
  readonly family: AddressFamily;
  /** How many rules of this family the target would hold. */
  readonly needed: number;
  readonly quota: number;
}

/** A rule broader than one address was about to be created. */
export interface UnsafeRule {
  readonly kind: 'UnsafeRule';
  readonly message: string;
  readonly target: string;
  readonly cidr: string;
}

/**
 * The target changed between the read and the write: a rule to authorize
 * already exists, or a rule to revoke is gone. Re-read and re-plan.
 */
export interface Stale {
  readonly kind: 'Stale';
  readonly message: string;
  readonly target: string;
  readonly code: string;
}

/** A region or one of its services could not be reached in time. */
export interface Unreachable {
  readonly kind: 'Unreachable';
  readonly message: string;
  readonly region: string;
  readonly service: string;
}

/** The service refused the call for its rate; the SDK's retries ran out. */
export interface Throttled {
  readonly kind: 'Throttled';
  readonly message: string;
  readonly region: string;
  readonly service: string;
}

/** A named resource does not exist (a group, a table, a target). */
export interface NotFound {
  readonly kind: 'NotFound';
  readonly message: string;
  readonly resource: string;
}

/** The service refused the call for a reason that retrying won't fix. */
export interface Rejected {
  readonly kind: 'Rejected';
  readonly message: string;
  readonly code: string;
  readonly resource: string;
}

/** Anything else; `cause` keeps the original for the logs. */
export interface Unexpected {
  readonly kind: 'Unexpected';
  readonly message: string;
  readonly cause?: unknown;
}

/** IPv4 or IPv6: quotas on security groups are counted per family. */
export type AddressFamily = 'ipv4' | 'ipv6';

/** The `kind` of every error, for exhaustive matches and metrics. */
export type SgsyncErrorKind = SgsyncError['kind'];

/** True when the error is transient and the same call may succeed later. */
export const isTransient = (error: SgsyncError): boolean =>
  error.kind === 'Unreachable' ||
  error.kind === 'Throttled' ||
  error.kind === 'VersionConflict' ||
  error.kind === 'Stale';

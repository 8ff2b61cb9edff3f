import type { SgsyncError } from '@sgsync/core';

/** The in-memory services, one per port. */
export type Service =
  'event-store' | 'firewall' | 'membership' | 'lifecycle' | 'notifier';

/**
 * Every call an in-memory adapter makes, named like the cloud API call it
 * stands for. Applying a plan is two calls: `revoke`, then `authorize`.
 */
export type Operation =
  | 'readStream'
  | 'appendToStream'
  | 'copyEvents'
  | 'readSnapshot'
  | 'writeSnapshot'
  | 'readRules'
  | 'authorize'
  | 'revoke'
  | 'observe'
  | 'complete'
  | 'heartbeat'
  | 'notify';

/** One call of an adapter: the region it reaches, the service, the call. */
export interface Call {
  readonly region: string;
  readonly service: Service;
  readonly operation: Operation;
}

/** Which calls a fault applies to; an absent field matches every call. */
export interface CallMatch {
  readonly region?: string;
  readonly service?: Service;
  readonly operation?: Operation;
}

/** The error a fault fails a call with, or a function that builds it. */
export type FaultError = SgsyncError | ((call: Call) => SgsyncError);

interface FaultRule {
  readonly match: CallMatch;
  readonly error: FaultError;
  remaining: number;
}

interface DelayRule {
  readonly match: CallMatch;
  readonly ms: number;
}

/** True when the call is one the match names. */
export const matches = (match: CallMatch, call: Call): boolean =>
  (match.region === undefined || match.region === call.region) &&
  (match.service === undefined || match.service === call.service) &&
  (match.operation === undefined || match.operation === call.operation);

/** The `Unreachable` error of a call to a region that cannot be reached. */
export const unreachableError = (call: Call): SgsyncError => ({
  kind: 'Unreachable',
  message: `${call.region} is unreachable (${call.service} ${call.operation})`,
  region: call.region,
  service: call.service,
});

/**
 * The faults of a simulated world, shared by every in-memory adapter that
 * was built with the same world. A fault fails matching calls with a given
 * error before they change anything; a region made unreachable fails every
 * call that reaches it until it heals; a delay makes matching calls wait
 * through the world's sleep function.
 *
 * @example
 * ```ts
 * const faults = new Faults();
 * faults.failNext(throttled, { region: 'us-east-1', operation: 'observe' });
 * faults.makeUnreachable('eu-west-1');
 * faults.failPlanHalfway({ region: 'us-east-1' });
 * // ...run a use case...
 * faults.heal('eu-west-1');
 * ```
 */
export class Faults {
  private rules: FaultRule[] = [];
  private delays: DelayRule[] = [];
  private readonly unreachable = new Set<string>();

  /** Fails the next matching call with `error`. */
  failNext(error: FaultError, match: CallMatch = {}): this {
    return this.failTimes(1, error, match);
  }

  /** Fails the next `times` matching calls with `error`. */
  failTimes(times: number, error: FaultError, match: CallMatch = {}): this {
    this.rules.push({ match, error, remaining: times });
    return this;
  }

  /** Fails every matching call with `error` until {@link Faults.clear}. */
  failAlways(error: FaultError, match: CallMatch = {}): this {
    return this.failTimes(Number.POSITIVE_INFINITY, error, match);
  }

  /**
   * Fails the next plan of a region halfway: its rules are revoked, then
   * its authorize call fails (with `Unreachable` unless told otherwise).
   * A plan that authorizes nothing is not affected.
   */
  failPlanHalfway(
    match: { readonly region?: string } = {},
    error: FaultError = unreachableError,
  ): this {
    return this.failNext(error, {
      ...match,
      service: 'firewall',
      operation: 'authorize',
    });
  }

  /** Every call that reaches `region` fails with `Unreachable`. */
  makeUnreachable(region: string): this {
    this.unreachable.add(region);
    return this;
  }

  /** Makes `region` reachable again, or every region when none is named. */
  heal(region?: string): this {
    if (region === undefined) this.unreachable.clear();
    else this.unreachable.delete(region);
    return this;
  }

  /** True while `region` is unreachable. */
  isUnreachable(region: string): boolean {
    return this.unreachable.has(region);
  }

  /** Makes every matching call wait `ms` milliseconds before it runs. */
  delay(ms: number, match: CallMatch = {}): this {
    this.delays.push({ match, ms });
    return this;
  }

  /** Removes every fault, delay and unreachable region. */
  clear(): this {
    this.rules = [];
    this.delays = [];
    this.unreachable.clear();
    return this;
  }

  /** How many failures are still armed (unreachable regions not counted). */
  pending(): number {
    return this.rules.reduce((sum, r) => sum + r.remaining, 0);
  }

  /**
   * The error the call fails with, if any, using up one matching failure.
   * Adapters call this once per call; tests need not.
   */
  take(call: Call): SgsyncError | undefined {
    if (this.unreachable.has(call.region)) return unreachableError(call);

    const rule = this.rules.find((r) => matches(r.match, call));
    if (rule === undefined) return undefined;

    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);

    return typeof rule.error === 'function' ? rule.error(call) : rule.error;
  }

  /** How long the call waits before it runs: the sum of matching delays. */
  delayOf(call: Call): number {
    return this.delays
      .filter((d) => matches(d.match, call))
      .reduce((sum, d) => sum + d.ms, 0);
  }
}

/** How often one operation was called in one region, and how often it failed. */
export interface CallCount extends Call {
  readonly calls: number;
  readonly failures: number;
}

/**
 * Counts the calls of every operation in every region, failed calls
 * included, for benchmarks and reports.
 *
 * @example
 * ```ts
 * cluster.calls.count({ region: 'us-east-1', operation: 'authorize' });
 * cluster.calls.snapshot(); // [{ region, service, operation, calls, ... }]
 * ```
 */
export class CallCounts {
  private readonly counts = new Map<string, CallCount>();

  /** Records one call and whether it failed. */
  record(call: Call, failed: boolean): void {
    const key = `${call.region}|${call.service}|${call.operation}`;
    const seen = this.counts.get(key);
    this.counts.set(key, {
      region: call.region,
      service: call.service,
      operation: call.operation,
      calls: (seen?.calls ?? 0) + 1,
      failures: (seen?.failures ?? 0) + (failed ? 1 : 0),
    });
  }

  /** The number of matching calls. */
  count(match: CallMatch = {}): number {
    return this.matching(match).reduce((sum, c) => sum + c.calls, 0);
  }

  /** The number of matching calls that failed. */
  failures(match: CallMatch = {}): number {
    return this.matching(match).reduce((sum, c) => sum + c.failures, 0);
  }

  /** Every count, ordered by region, service and operation. */
  snapshot(): CallCount[] {
    return [...this.counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, count]) => count);
  }

  /** Forgets every count. */
  reset(): void {
    this.counts.clear();
  }

  private matching(match: CallMatch): CallCount[] {
    return [...this.counts.values()].filter((c) => matches(match, c));
  }
}

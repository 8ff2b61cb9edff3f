import {
  canonicalCidr,
  type ChangeNotice,
  type SgsyncError,
} from '@sgsync/core';
import { err, ResultAsync, type Result } from 'neverthrow';
import { CallCounts, Faults, type Call } from './faults.js';

/** Waits `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** What a world is built with. */
export interface InMemoryWorldOptions {
  readonly faults?: Faults;
  readonly calls?: CallCounts;
  /** How delays wait; pass a stepping clock's `sleep` to stay instant. */
  readonly sleep?: Sleep;
}

/**
 * The change notices that arrived in each region, waiting to be drained
 * by a test or a demo. A region has an inbox once it is opened; a notice
 * to a region without one is not delivered.
 */
export class Inboxes {
  private readonly boxes = new Map<string, ChangeNotice[]>();

  /** Opens the inbox of a region (nothing happens if it is open). */
  open(region: string): void {
    if (!this.boxes.has(region)) this.boxes.set(region, []);
  }

  /** True when the region has an inbox. */
  has(region: string): boolean {
    return this.boxes.has(region);
  }

  /** Adds a notice to an open inbox. */
  deliver(region: string, notice: ChangeNotice): void {
    this.boxes.get(region)?.push(structuredClone(notice));
  }

  /** The notices waiting in a region, oldest first; they stay there. */
  peek(region: string): readonly ChangeNotice[] {
    return [...(this.boxes.get(region) ?? [])];
  }

  /** Takes every notice waiting in a region, oldest first. */
  drain(region: string): ChangeNotice[] {
    const box = this.boxes.get(region) ?? [];
    this.boxes.set(region, []);

    return box;
  }
}

/**
 * One simulated cloud that in-memory adapters share: the faults that
 * fail their calls, the count of those calls, the notices in each
 * region's inbox, and the counters that make every id and address
 * deterministic. Adapters built without a world get one of their own.
 *
 * @example
 * ```ts
 * const world = new InMemoryWorld({ sleep: clock.sleep });
 * const store = new InMemoryEventStore({ region: 'us-east-1', world });
 * world.faults.makeUnreachable('us-east-1');
 * ```
 */
export class InMemoryWorld {
  readonly faults: Faults;
  readonly calls: CallCounts;
  readonly inboxes = new Inboxes();
  private readonly sleep: Sleep;
  private readonly counters = new Map<string, number>();

  constructor(options: InMemoryWorldOptions = {}) {
    this.faults = options.faults ?? new Faults();
    this.calls = options.calls ?? new CallCounts();
    this.sleep = options.sleep ?? realSleep;
  }

  /** The next number of a named counter: 1, 2, 3, ... */
  next(counter: string): number {
    const n = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, n);

    return n;
  }

  /** The next id with a prefix and 17 hex digits, like `sgr-0000...01`. */
  nextId(prefix: string): string {
    return `${prefix}-${this.next(prefix).toString(16).padStart(17, '0')}`;
  }

  /**
   * The next set of addresses for an instance: a public IPv4 address in
   * 198.18.0.0/15, a private one in 10.0.0.0/8 and an IPv6 address in
   * 2001:db8::/32, all distinct across the world.
   */
  nextAddresses(): {
    publicIpv4: string;
    privateIpv4: string;
    ipv6: string;
  } {
    const n = this.next('address');
    const ipv6 = canonicalCidr(
      `2001:db8:0:${(n >>> 16).toString(16)}::${(n & 0xffff).toString(16)}/128`,
    );

    return {
      publicIpv4: `198.${18 + ((n >>> 16) & 1)}.${(n >>> 8) & 255}.${n & 255}`,
      privateIpv4: `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`,
      ipv6: (ipv6 ?? '2001:db8::/128').replace('/128', ''),
    };
  }

  /**
   * Runs one adapter call: counts it, waits any delay, fails it if a
   * fault says so, and otherwise does the work. The work runs in one
   * step, so concurrent calls never interleave inside it.
   */
  run<T>(
    call: Call,
    work: () => Result<T, SgsyncError>,
  ): ResultAsync<T, SgsyncError> {
    const delay = this.faults.delayOf(call);
    const waited = delay > 0 ? this.sleep(delay) : Promise.resolve();

    return ResultAsync.fromSafePromise(waited)
      .andThen(() => {
        const fault = this.faults.take(call);
        return fault ? err(fault) : work();
      })
      .map((value) => {
        this.calls.record(call, false);
        return value;
      })
      .mapErr((error) => {
        this.calls.record(call, true);
        return error;
      });
  }
}

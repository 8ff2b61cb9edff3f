import type { Clock } from '@sgsync/core';

/** The instant every in-memory clock starts at unless told otherwise. */
export const DEFAULT_START = '2026-01-01T00:00:00.000Z';

/*
 * Date is used only to convert between ISO text and milliseconds; no
 * clock here ever reads the machine's time.
 */
const toMillis = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`${iso} is not an ISO 8601 time`);

  return ms;
};

const toIso = (ms: number): string => new Date(ms).toISOString();

/**
 * A clock that always tells the same time.
 *
 * @example
 * ```ts
 * new FixedClock('2026-03-01T12:00:00.000Z').now();
 * ```
 */
export class FixedClock implements Clock {
  private readonly time: string;

  constructor(time: string = DEFAULT_START) {
    this.time = toIso(toMillis(time));
  }

  /** The fixed time. */
  now(): string {
    return this.time;
  }
}

/** How a {@link SteppingClock} starts and moves. */
export interface SteppingClockOptions {
  /** The first time it tells (default {@link DEFAULT_START}). */
  readonly start?: string;
  /** How far each `now()` moves it on, in milliseconds (default 1000). */
  readonly stepMs?: number;
}

/**
 * A deterministic clock that moves on by a fixed step each time it is
 * read, and when a simulation sleeps on it: delays cost no real time.
 *
 * @example
 * ```ts
 * const clock = new SteppingClock({ stepMs: 0 });
 * await clock.sleep(5_000);
 * clock.now(); // '2026-01-01T00:00:05.000Z'
 * ```
 */
export class SteppingClock implements Clock {
  private ms: number;
  private readonly stepMs: number;

  constructor(options: SteppingClockOptions = {}) {
    this.ms = toMillis(options.start ?? DEFAULT_START);
    this.stepMs = options.stepMs ?? 1000;
  }

  /** The current time; the clock then moves on by its step. */
  now(): string {
    const time = toIso(this.ms);
    this.ms += this.stepMs;

    return time;
  }

  /** Moves the clock on by `ms` milliseconds. */
  advance(ms: number): void {
    this.ms += ms;
  }

  /** Moves the clock on by `ms` and resolves at once. */
  readonly sleep = (ms: number): Promise<void> => {
    this.advance(ms);
    return Promise.resolve();
  };
}

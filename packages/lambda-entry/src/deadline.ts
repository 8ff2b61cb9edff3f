/** A wait that can be cancelled, so that no timer outlives its run. */
export interface Wait {
  readonly promise: Promise<void>;
  cancel(): void;
}

/** Makes waits. Tests use fake timers, or a timer of their own. */
export interface Timer {
  after(ms: number): Wait;
}

/** The timer of `setTimeout`. */
export const systemTimer: Timer = {
  after: (ms) => {
    let handle: ReturnType<typeof setTimeout> | undefined;
    const promise = new Promise<void>((resolve) => {
      handle = setTimeout(resolve, Math.max(0, ms));
    });

    return { promise, cancel: () => clearTimeout(handle) };
  },
};

/** How long each part of a lifecycle run may take, from its start. */
export interface LifecycleBudget {
  /** When the remote steps stop being waited on. */
  readonly remoteMs: number;
  /**
   * When the run stops being waited on altogether and the action is
   * completed directly: the local steps themselves hang.
   */
  readonly hardMs: number;
}

/**
 * What is kept back from the function's remaining time for completing
 * the lifecycle action (one Auto Scaling call with its retries) and for
 * writing the logs.
 */
export const COMPLETION_RESERVE_MS = 3_000;

/**
 * The budget of a lifecycle run: the configured bound, cut short when
 * the function's remaining time is shorter, always leaving the reserve
 * for the completion. The remote steps stop one reserve before the hard
 * deadline, so that the run completes the action itself when it can.
 *
 * @example
 * ```ts
 * lifecycleBudget(20_000, 60_000); // { remoteMs: 20000, hardMs: 23000 }
 * lifecycleBudget(20_000, 10_000); // { remoteMs: 4000, hardMs: 7000 }
 * ```
 */
export const lifecycleBudget = (
  boundMs: number,
  remainingMs: number,
  reserveMs = COMPLETION_RESERVE_MS,
): LifecycleBudget => {
  const hardMs = Math.max(
    0,
    Math.min(boundMs + reserveMs, remainingMs - reserveMs),
  );

  return { remoteMs: Math.max(0, hardMs - reserveMs), hardMs };
};

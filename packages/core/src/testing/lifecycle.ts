import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleHarness } from './harness.js';
import { okOf } from './results.js';

/**
 * The contract every `LifecycleSignal` adapter passes: a pending action
 * completes with CONTINUE once; a second completion, or the completion of
 * an expired action, counts as already done; heartbeats succeed.
 *
 * @example
 * ```ts
 * lifecycleSignalContract('InMemoryLifecycleSignal', async () =>
 *   inMemoryLifecycleHarness(),
 * );
 * ```
 */
export const lifecycleSignalContract = (
  adapterName: string,
  setup: () => Promise<LifecycleHarness>,
): void => {
  describe(adapterName, () => {
    let harness: LifecycleHarness;
    const h = () => harness;

    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.cleanup?.();
    });

    completing(h);
    heartbeats(h);
  });
};

type Get = () => LifecycleHarness;

const completing = (h: Get): void => {
  it('completes a pending action with CONTINUE', async () => {
    const action = await h().pendingAction();

    const outcome = await okOf(h().signal.complete(action));
    const completions = await h().completions();

    expect(outcome).toBe('completed');
    expect(completions.get(action.token)).toBe('CONTINUE');
  });

  it('reports a second completion as already done', async () => {
    const action = await h().pendingAction();
    await okOf(h().signal.complete(action));

    const outcome = await okOf(h().signal.complete(action));

    expect(outcome).toBe('already-done');
    expect((await h().completions()).get(action.token)).toBe('CONTINUE');
  });

  it('reports the completion of an expired action as already done', async () => {
    const action = await h().expiredAction();

    const outcome = await okOf(h().signal.complete(action));

    expect(outcome).toBe('already-done');
  });
};

const heartbeats = (h: Get): void => {
  it('records a heartbeat on a pending action', async () => {
    const action = await h().pendingAction();

    await okOf(h().signal.heartbeat(action));
    const outcome = await okOf(h().signal.complete(action));

    expect(outcome).toBe('completed');
  });
};

import type {
  LifecycleAction,
  LifecycleSignal,
  SgsyncError,
} from '@sgsync/core';
import { err, ok, type Result, type ResultAsync } from 'neverthrow';
import type { Operation } from './faults.js';
import { InMemoryWorld } from './world.js';

/** How Auto Scaling goes on with an instance after its lifecycle action. */
export type LifecycleResult = 'CONTINUE' | 'ABANDON';

/** Where a lifecycle action is: waiting, completed, or timed out. */
export type ActionStatus = 'pending' | 'completed' | 'expired';

interface Entry {
  readonly action: LifecycleAction;
  status: ActionStatus;
  result?: LifecycleResult;
  heartbeats: number;
  readonly onResult: (result: LifecycleResult) => void;
}

/** What an in-memory lifecycle signal is built with. */
export interface InMemoryLifecycleSignalOptions {
  readonly region: string;
  readonly world?: InMemoryWorld;
}

/**
 * The lifecycle actions Auto Scaling waits on in one region, in memory.
 * Actions are registered by {@link InMemoryAutoScaling} (or by a test),
 * completed through the port, and expired by the simulation: time never
 * passes on its own here.
 *
 * @example
 * ```ts
 * const signal = new InMemoryLifecycleSignal({ region: 'us-east-1' });
 * signal.register(action);
 * await signal.complete(action); // ok('completed')
 * signal.completions().get(action.token); // 'CONTINUE'
 * ```
 */
export class InMemoryLifecycleSignal implements LifecycleSignal {
  readonly region: string;
  private readonly world: InMemoryWorld;
  private readonly entries = new Map<string, Entry>();

  constructor(options: InMemoryLifecycleSignalOptions) {
    this.region = options.region;
    this.world = options.world ?? new InMemoryWorld();
  }

  /**
   * Registers an action that Auto Scaling waits on; `onResult` learns how
   * it ended (completed, or expired with its default result).
   */
  register(
    action: LifecycleAction,
    onResult: (result: LifecycleResult) => void = () => undefined,
  ): void {
    this.entries.set(action.token, {
      action,
      status: 'pending',
      heartbeats: 0,
      onResult,
    });
  }

  /** Times an action out; Auto Scaling goes on with `defaultResult`. */
  expire(token: string, defaultResult: LifecycleResult = 'CONTINUE'): void {
    const entry = this.entries.get(token);
    if (entry?.status !== 'pending') return;

    entry.status = 'expired';
    entry.onResult(defaultResult);
  }

  /** Every action still waiting, in the order they were registered. */
  pending(): LifecycleAction[] {
    return [...this.entries.values()]
      .filter((e) => e.status === 'pending')
      .map((e) => e.action);
  }

  /** Where an action is, or undefined for a token never registered. */
  statusOf(token: string): ActionStatus | undefined {
    return this.entries.get(token)?.status;
  }

  /** The result of every completed action, by token. */
  completions(): ReadonlyMap<string, LifecycleResult> {
    return new Map(
      [...this.entries].flatMap(([token, e]) =>
        e.result ? [[token, e.result] as const] : [],
      ),
    );
  }

  /** How many heartbeats an action received. */
  heartbeatsOf(token: string): number {
    return this.entries.get(token)?.heartbeats ?? 0;
  }

  /**
   * Completes an action with CONTINUE. An action that is completed,
   * expired or unknown is `already-done`, as AWS says of it.
   */
  complete(
    action: LifecycleAction,
  ): ResultAsync<'completed' | 'already-done', SgsyncError> {
    return this.call('complete', () => {
      const entry = this.entries.get(action.token);
      if (entry?.status !== 'pending') return ok('already-done' as const);

      entry.status = 'completed';
      entry.result = 'CONTINUE';
      entry.onResult('CONTINUE');
      return ok('completed' as const);
    });
  }

  /** Records a heartbeat; an action no longer waiting is `NotFound`. */
  heartbeat(action: LifecycleAction): ResultAsync<void, SgsyncError> {
    return this.call('heartbeat', () => {
      const entry = this.entries.get(action.token);
      if (entry?.status !== 'pending') {
        return err(noAction(action.token));
      }

      entry.heartbeats += 1;
      return ok(undefined);
    });
  }

  private call<T>(
    operation: Operation,
    work: () => Result<T, SgsyncError>,
  ): ResultAsync<T, SgsyncError> {
    return this.world.run(
      { region: this.region, service: 'lifecycle', operation },
      work,
    );
  }
}

const noAction = (token: string): SgsyncError => ({
  kind: 'NotFound',
  message: `no lifecycle action waits with token ${token}`,
  resource: `lifecycle-action:${token}`,
});

import {
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import type {
  LifecycleAction,
  LifecycleSignal,
  SgsyncError,
} from '@sgsync/core';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import {
  errorCode,
  errorMessage,
  translateCommonError,
  type CallSite,
} from './sdk-errors.js';

/** What {@link AutoScalingLifecycleSignal} needs. */
export interface AutoScalingLifecycleSignalOptions {
  readonly client: AutoScalingClient;
  readonly region: string;
}

/**
 * The start of the message of the ValidationError that Auto Scaling
 * returns for an action it no longer waits on (completed, or timed out):
 * "No active Lifecycle Action found with token ..." or "... with
 * instance ID ...".
 */
export const NO_ACTIVE_ACTION = 'No active Lifecycle Action found';

/**
 * The lifecycle signal port on Auto Scaling: CompleteLifecycleAction with
 * CONTINUE, and RecordLifecycleActionHeartbeat, both by token and
 * instance id. An action that Auto Scaling no longer waits on counts as
 * done (`already-done`), not as a failure.
 *
 * @example
 * ```ts
 * const signal = new AutoScalingLifecycleSignal({ client, region });
 * const outcome = await signal.complete(action); // 'completed'
 * ```
 */
export class AutoScalingLifecycleSignal implements LifecycleSignal {
  readonly #options: AutoScalingLifecycleSignalOptions;

  constructor(options: AutoScalingLifecycleSignalOptions) {
    this.#options = options;
  }

  /** Completes the action with CONTINUE. */
  complete(
    action: LifecycleAction,
  ): ResultAsync<'completed' | 'already-done', SgsyncError> {
    const command = new CompleteLifecycleActionCommand({
      AutoScalingGroupName: action.asgName,
      LifecycleHookName: action.hookName,
      LifecycleActionToken: action.token,
      InstanceId: action.instanceId,
      LifecycleActionResult: 'CONTINUE',
    });
    const site = this.#site(action, 'CompleteLifecycleAction');

    return ResultAsync.fromPromise(this.#options.client.send(command), (e) => e)
      .map(() => 'completed' as const)
      .orElse((error) =>
        isNoActiveAction(error)
          ? okAsync('already-done' as const)
          : errAsync(translateCommonError(error, site)),
      );
  }

  /** Extends the action's timeout. Nothing to extend counts as done. */
  heartbeat(action: LifecycleAction): ResultAsync<void, SgsyncError> {
    const command = new RecordLifecycleActionHeartbeatCommand({
      AutoScalingGroupName: action.asgName,
      LifecycleHookName: action.hookName,
      LifecycleActionToken: action.token,
      InstanceId: action.instanceId,
    });
    const site = this.#site(action, 'RecordLifecycleActionHeartbeat');

    return ResultAsync.fromPromise(this.#options.client.send(command), (e) => e)
      .map(() => undefined)
      .orElse((error) =>
        isNoActiveAction(error)
          ? okAsync(undefined)
          : errAsync(translateCommonError(error, site)),
      );
  }

  #site(action: LifecycleAction, operation: string): CallSite {
    return {
      service: 'autoscaling',
      region: this.#options.region,
      resource: `${action.asgName}/${action.hookName}`,
      item: `instance ${action.instanceId}, token ${action.token}`,
      operation,
    };
  }
}

/** True for Auto Scaling's answer to an action it no longer waits on. */
export const isNoActiveAction = (error: unknown): boolean =>
  errorCode(error) === 'ValidationError' &&
  errorMessage(error).startsWith(NO_ACTIVE_ACTION);

import { expect } from 'vitest';
import type { MembershipCommand, MembershipEvent } from '../events.js';
import {
  currentMembers,
  decide,
  replay,
  type MembershipState,
} from '../membership.js';

/** The assertions that follow `given(...).when(...)`. */
export interface DeciderThen {
  /** Asserts that the command decides exactly these events, in order. */
  then(expected: readonly MembershipEvent[]): void;
  /** Asserts that the command decides no events. */
  thenNothing(): void;
  /**
   * Asserts which instances are members once the decided events are
   * folded into the state, by instance id in code-unit order.
   */
  thenMembers(instanceIds: readonly string[]): void;
}

/** The step that names the command, after `given(...)`. */
export interface DeciderWhen {
  when(command: MembershipCommand): DeciderThen;
}

/**
 * A given / when / then specification of the membership decider: the
 * history of a stream, a command, and what the decider must answer.
 *
 * @example
 * ```ts
 * import { deciderSpec } from '@sgsync/core/testing';
 *
 * it('ignores a late launch of a member that left', () => {
 *   deciderSpec
 *     .given([joined, left])
 *     .when({ type: 'RecordLaunch', instance, observedAt })
 *     .thenNothing();
 * });
 * ```
 */
export const deciderSpec = {
  given: (history: readonly MembershipEvent[]): DeciderWhen => ({
    when: (command) => thenOf(replay(history), command),
  }),
};

const thenOf = (
  state: MembershipState,
  command: MembershipCommand,
): DeciderThen => {
  const decided = (): MembershipEvent[] => decide(command, state);

  return {
    then: (expected) => {
      expect(decided()).toStrictEqual(expected);
    },
    thenNothing: () => {
      expect(decided()).toStrictEqual([]);
    },
    thenMembers: (instanceIds) => {
      const after = replay(decided(), state);
      const ids = currentMembers(after).map((m) => m.instanceId);
      expect(ids).toStrictEqual([...instanceIds].sort());
    },
  };
};

import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import type { InputInvalid } from './errors.js';
import type { MembershipEvent, StoredEvent } from './events.js';

const addressesSchema = z
  .object({
    publicIpv4: z.string().optional(),
    privateIpv4: z.string().optional(),
    ipv6: z.string().optional(),
  })
  .strict();

const instanceId = z.string().min(1);
const observedAt = z.string().min(1);

const eventSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('MemberJoined'),
      data: z
        .object({
          instanceId,
          asgName: z.string(),
          addresses: addressesSchema,
          cause: z.enum(['lifecycle-launch', 'lifecycle-terminate', 'true-up']),
          observedAt,
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      type: z.literal('MemberLeft'),
      data: z
        .object({
          instanceId,
          reason: z.enum(['terminated', 'parked', 'detached']),
          cause: z.enum(['lifecycle-launch', 'lifecycle-terminate', 'true-up']),
          observedAt,
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      type: z.literal('MemberAddressesChanged'),
      data: z
        .object({ instanceId, addresses: addressesSchema, observedAt })
        .strict(),
    })
    .strict(),
]);

/**
 * Checks that a value read from a store, or copied from another region,
 * is a membership event exactly as this version writes them. Stores call
 * it on every read and copy, so that a malformed event is reported where
 * it is, and never reaches the fold.
 *
 * @example
 * ```ts
 * const event = parseMembershipEvent(JSON.parse(item.data));
 * if (event.isErr()) console.error(event.error.problems);
 * ```
 */
export const parseMembershipEvent = (
  value: unknown,
): Result<MembershipEvent, InputInvalid> => {
  const parsed = eventSchema.safeParse(value);
  if (parsed.success) return ok(parsed.data as MembershipEvent);

  const problems = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(event)',
    reason: issue.message,
  }));

  return err({
    kind: 'InputInvalid',
    message:
      'not a membership event: ' +
      problems.map((p) => `${p.path} ${p.reason}`).join('; '),
    problems,
  });
};

/** Checks every event of a copy before any of it is written. */
export const parseStoredEvents = (
  events: readonly StoredEvent[],
): Result<readonly StoredEvent[], InputInvalid> => {
  for (const stored of events) {
    const checked = parseMembershipEvent(stored.event);
    if (checked.isErr()) return err(checked.error);
  }

  return ok(events);
};

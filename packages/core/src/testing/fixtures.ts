import type {
  MemberAddressesChanged,
  MemberJoined,
  MemberLeft,
  MembershipEvent,
} from '../events.js';
import type { Addresses } from '../model.js';

const AT = '2026-01-01T00:00:00.000Z';

/**
 * A `MemberJoined` event for instance number `n`, with a public and a
 * private IPv4 address derived from `n` (1 to 254).
 */
export const joinedEvent = (
  n: number,
  addresses: Addresses = {
    publicIpv4: `203.0.113.${n}`,
    privateIpv4: `10.0.0.${n}`,
  },
): MemberJoined => ({
  type: 'MemberJoined',
  data: {
    instanceId: instanceIdOf(n),
    asgName: 'contract-asg',
    addresses,
    cause: 'lifecycle-launch',
    observedAt: AT,
  },
});

/** A `MemberLeft` event for instance number `n`. */
export const leftEvent = (
  n: number,
  reason: MemberLeft['data']['reason'] = 'terminated',
): MemberLeft => ({
  type: 'MemberLeft',
  data: {
    instanceId: instanceIdOf(n),
    reason,
    cause: 'true-up',
    observedAt: AT,
  },
});

/** A `MemberAddressesChanged` event for instance number `n`. */
export const addressesChangedEvent = (
  n: number,
  addresses: Addresses,
): MemberAddressesChanged => ({
  type: 'MemberAddressesChanged',
  data: { instanceId: instanceIdOf(n), addresses, observedAt: AT },
});

/** `count` joins of instances 1 to `count`, in order. */
export const joinedEvents = (count: number): MembershipEvent[] =>
  Array.from({ length: count }, (_, i) => joinedEvent(i + 1));

/** The instance id of instance number `n`: `i-` and 17 hex digits. */
export const instanceIdOf = (n: number): string =>
  `i-${n.toString(16).padStart(17, '0')}`;

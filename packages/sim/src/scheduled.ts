import type {
  EventStore,
  FirewallTarget,
  LifecycleSignal,
  MembershipSource,
  Notifier,
  RegionPorts,
  SgsyncError,
} from '@sgsync/core';
import { ResultAsync } from 'neverthrow';

/**
 * Lets a port call start: resolves when the caller may go on. A
 * fast-check scheduler's `schedule` fits it, so that the scheduler picks
 * the order in which concurrent runs make their calls.
 */
export type Gate = (label: string) => Promise<unknown>;

/**
 * A fast-check scheduler as a gate: every port call waits until the
 * scheduler releases it.
 */
export const schedulerGate =
  (scheduler: {
    schedule: <T>(task: Promise<T>, label?: string) => Promise<T>;
  }): Gate =>
  (label) =>
    scheduler.schedule(Promise.resolve(label), label);

const gated = <T>(
  gate: Gate,
  label: string,
  call: () => ResultAsync<T, SgsyncError>,
): ResultAsync<T, SgsyncError> =>
  new ResultAsync(gate(label).then(() => call()));

const gatedStore = (
  gate: Gate,
  region: string,
  store: EventStore,
): EventStore => ({
  readStream: (stream, from) =>
    gated(gate, `${region} readStream`, () => store.readStream(stream, from)),
  appendToStream: (stream, expected, events) =>
    gated(gate, `${region} appendToStream`, () =>
      store.appendToStream(stream, expected, events),
    ),
  copyEvents: (stream, events) =>
    gated(gate, `${region} copyEvents`, () => store.copyEvents(stream, events)),
});

const gatedFirewall = (
  gate: Gate,
  region: string,
  firewall: FirewallTarget,
): FirewallTarget => ({
  readRules: (target) =>
    gated(gate, `${region} readRules`, () => firewall.readRules(target)),
  applyPlan: (plan) =>
    gated(gate, `${region} applyPlan`, () => firewall.applyPlan(plan)),
});

const gatedMembership = (
  gate: Gate,
  region: string,
  source: MembershipSource,
): MembershipSource => ({
  observe: (names) =>
    gated(gate, `${region} observe`, () => source.observe(names)),
});

const gatedLifecycle = (
  gate: Gate,
  region: string,
  signal: LifecycleSignal,
): LifecycleSignal => ({
  complete: (action) =>
    gated(gate, `${region} complete`, () => signal.complete(action)),
  heartbeat: (action) =>
    gated(gate, `${region} heartbeat`, () => signal.heartbeat(action)),
});

const gatedNotifier = (
  gate: Gate,
  region: string,
  notifier: Notifier,
): Notifier => ({
  notify: (to, notice) =>
    gated(gate, `${region} notify ${to}`, () => notifier.notify(to, notice)),
});

/**
 * The same ports, each of whose calls first passes the gate. Two runs
 * built on gated ports interleave between port calls in the order the
 * gate releases them; each call itself stays atomic, as in the
 * in-memory world. Labels name the calling region and the call, which
 * is what a scheduler's report shows.
 *
 * @example
 * ```ts
 * const ports = gatedPorts(cluster.region('us-east-1').ports,
 *   schedulerGate(s));
 * ```
 */
export const gatedPorts = (ports: RegionPorts, gate: Gate): RegionPorts => {
  const region = ports.region;

  return {
    ...ports,
    membership: gatedMembership(gate, region, ports.membership),
    firewall: gatedFirewall(gate, region, ports.firewall),
    lifecycle: gatedLifecycle(gate, region, ports.lifecycle),
    notifier: gatedNotifier(gate, region, ports.notifier),
    stores: new Map(
      [...ports.stores].map(([name, store]) => [
        name,
        gatedStore(gate, `${region}->${name}`, store),
      ]),
    ),
  };
};

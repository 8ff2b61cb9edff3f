import {
  createRegionContext,
  handleLifecycleEvent,
  handleRemoteChange,
  trueUp,
  type ActualRule,
  type AddressFamily,
  type ClusterConfig,
  type LifecycleEventInput,
  type RegionContext,
  type RunReport,
  type SgsyncError,
} from '@sgsync/core';
import {
  createInMemoryCluster,
  type InMemoryCluster,
  type Operation,
  type OutOfBandRule,
  type Service,
} from '@sgsync/in-memory';
import { match } from 'ts-pattern';
import { duplicateProbe, type Violation } from './invariants.js';
import { gatedPorts, type Gate } from './scheduled.js';
import { configOf, regionsOf, type ClusterShape } from './shape.js';
import type { Invocation, OperatorRule, Step, ThrottledCall } from './steps.js';
import {
  familyCount,
  instancesIn,
  memberCidrs,
  rulesIn,
  targetOf,
} from './truth.js';

/** What one step did. */
export interface StepOutcome {
  /** What happened, in a few words. */
  readonly effect: string;
  /** The report of every sgsync run the step started. */
  readonly reports: readonly RunReport[];
  /** True when two runs went at once. */
  readonly concurrent: boolean;
  /** What the step itself found wrong (a duplicate that did work). */
  readonly violations: readonly Violation[];
  /** True when the step found nothing to act on and changed nothing. */
  readonly idle: boolean;
}

/** Waits for a promise while a scheduler releases the calls it makes. */
export type WaitFor = <T>(task: Promise<T>) => Promise<T>;

/** What a simulation runs concurrent steps with. */
export interface Concurrency {
  readonly gate: Gate;
  readonly waitFor: WaitFor;
}

const SERVICE_OF: Record<ThrottledCall, Service> = {
  observe: 'membership',
  readStream: 'event-store',
  appendToStream: 'event-store',
  copyEvents: 'event-store',
  readRules: 'firewall',
  authorize: 'firewall',
  revoke: 'firewall',
  complete: 'lifecycle',
  notify: 'notifier',
};

const nothing = (effect: string): StepOutcome => ({
  effect,
  reports: [],
  concurrent: false,
  violations: [],
  idle: true,
});

const sequential = (
  effect: string,
  reports: readonly RunReport[],
): StepOutcome => ({
  effect,
  reports,
  concurrent: false,
  violations: [],
  idle: false,
});

const pickFrom = <T>(items: readonly T[], pick: number): T | undefined =>
  items.length === 0 ? undefined : items[pick % items.length];

const removeAt = <T>(items: T[], pick: number): T | undefined =>
  items.length === 0 ? undefined : items.splice(pick % items.length, 1)[0];

/**
 * One simulated cluster on the in-memory adapters, and what the model
 * knows of it beyond what sgsync records: lifecycle events queued for
 * delivery, delivered, or half done; every address that ever belonged
 * to a member; the operator's own rules. {@link Simulation.step} plays
 * one step; {@link Simulation.heal} ends every fault.
 */
export class Simulation {
  readonly cluster: InMemoryCluster;
  readonly config: ClusterConfig;
  readonly regions: readonly string[];
  /** Lifecycle events waiting to be delivered, oldest first, per region. */
  readonly pending = new Map<string, LifecycleEventInput[]>();
  /** Lifecycle events delivered at least once, per region. */
  readonly handled = new Map<string, LifecycleEventInput[]>();
  /** Delivered events whose run reported a failure, per region. */
  readonly halfDone = new Map<string, LifecycleEventInput[]>();
  /** The region of every lifecycle action sgsync received, by token. */
  readonly received = new Map<string, string>();
  /** Tokens whose completion failed: Lambda delivers them again. */
  readonly awaitingRetry = new Set<string>();
  /** Every address of an instance that was ever a member. */
  readonly everMemberCidrs = new Set<string>();
  /** The operator's own rules on each region's target, as added. */
  readonly operatorRules = new Map<string, Map<string, ActualRule>>();
  private readonly concurrency: Concurrency | undefined;

  constructor(shape: ClusterShape, concurrency?: Concurrency) {
    this.config = configOf(shape);
    this.cluster = createInMemoryCluster(this.config);
    this.regions = regionsOf(shape);
    this.concurrency = concurrency;
    for (const region of this.regions) {
      this.pending.set(region, []);
      this.handled.set(region, []);
      this.halfDone.set(region, []);
      this.operatorRules.set(region, new Map());
    }
  }

  /** The region a step's index names. */
  regionAt(index: number): string {
    return this.regions[index % this.regions.length] ?? '';
  }

  /** Plays one step and records what the model must remember of it. */
  async step(step: Step): Promise<StepOutcome> {
    this.noteMembers();
    const outcome = await this.play(step, this.regionAt(step.region));
    this.noteMembers();

    return outcome;
  }

  /** Notes the address of every member now running. */
  noteMembers(): void {
    for (const cidr of memberCidrs(this.cluster)) {
      this.everMemberCidrs.add(cidr);
    }
  }

  /** The use-case context of a region, its calls gated when given. */
  contextOf(region: string, gate?: Gate): RegionContext {
    const ports = this.cluster.region(region).ports;
    const context = createRegionContext(
      this.config,
      gate ? gatedPorts(ports, gate) : ports,
    );
    if (context.isErr()) throw new Error(context.error.message);

    return context.value;
  }

  /** True while a region cannot be reached. */
  isDown(region: string): boolean {
    return this.cluster.faults.isUnreachable(region);
  }

  private play(step: Step, region: string): Promise<StepOutcome> {
    return match(step)
      .with({ kind: 'scale-out' }, (s) => this.scaleOut(region, s.late))
      .with({ kind: 'scale-in' }, (s) => this.scaleIn(region, s.pick))
      .with({ kind: 'attach' }, (s) => this.attach(region, s.late))
      .with({ kind: 'terminate-directly' }, (s) => this.kill(region, s.pick))
      .with({ kind: 'deliver' }, (s) => this.deliver(region, s.pick))
      .with({ kind: 'duplicate' }, (s) => this.duplicate(region, s.pick))
      .with({ kind: 'lose' }, (s) => this.lose(region, s.pick))
      .with({ kind: 'retry' }, (s) => this.retry(region, s.pick))
      .with({ kind: 'concurrent' }, (s) => this.atOnce(region, s.runs))
      .otherwise((s) => this.playFault(s, region));
  }

  private playFault(step: Step, region: string): Promise<StepOutcome> {
    const faults = this.cluster.faults;

    return match(step)
      .with({ kind: 'unreachable' }, () => {
        faults.makeUnreachable(region);
        return done(`${region} is down`);
      })
      .with({ kind: 'reachable' }, () => {
        const wasDown = faults.isUnreachable(region);
        faults.heal(region);
        return done(wasDown ? `${region} is back` : `${region} was up`);
      })
      .with({ kind: 'throttle' }, (s) => this.throttle(region, s.call))
      .with({ kind: 'fail-halfway' }, () => {
        faults.failPlanHalfway({ region });
        return done(`the next plan in ${region} fails after revoking`);
      })
      .with({ kind: 'operator-add' }, (s) => this.operatorAdd(region, s.rule))
      .with({ kind: 'operator-remove' }, (s) =>
        this.operatorRemove(region, s.pick),
      )
      .with({ kind: 'assign-address' }, (s) => this.assign(region, s.pick))
      .with({ kind: 'notices' }, () => this.notices(region))
      .with({ kind: 'true-up' }, () => this.trueUp(region))
      .otherwise((s) => done(`(${s.kind} is not a fault step)`));
  }

  private asgOf(region: string): string {
    return `${this.config.cluster}-${region}`;
  }

  private queue(region: string): void {
    const events = this.cluster.region(region).autoScaling;
    this.pending.get(region)?.push(...events.takeLifecycleEvents());
  }

  private scaleOut(region: string, late: boolean): Promise<StepOutcome> {
    const scaling = this.cluster.region(region).autoScaling;
    const { instanceId } = scaling.launch(this.asgOf(region), {
      lateAddresses: late,
    });
    this.queue(region);

    return done(`launched ${instanceId}; its event is queued`);
  }

  private scaleIn(region: string, pick: number): Promise<StepOutcome> {
    const scaling = this.cluster.region(region).autoScaling;
    const inService = instancesIn(this.cluster, region).filter(
      (i) => i.state === 'in-service',
    );
    const chosen = pickFrom(inService, pick);
    if (!chosen) return skip('no instance in service');

    scaling.terminate(chosen.instanceId);
    this.queue(region);

    return done(`terminating ${chosen.instanceId}; its event is queued`);
  }

  private attach(region: string, late: boolean): Promise<StepOutcome> {
    const scaling = this.cluster.region(region).autoScaling;
    const id = scaling.attach(this.asgOf(region), { lateAddresses: late });

    return done(`attached ${id}, no event`);
  }

  private kill(region: string, pick: number): Promise<StepOutcome> {
    const chosen = pickFrom(instancesIn(this.cluster, region), pick);
    if (!chosen) return skip('no instance');

    this.cluster.region(region).autoScaling.setState(chosen.instanceId, 'gone');

    return done(`${chosen.instanceId} is gone, no event`);
  }

  private async deliver(region: string, pick: number): Promise<StepOutcome> {
    if (this.isDown(region)) return nothing(`${region} is down; event waits`);
    const event = removeAt(this.pending.get(region) ?? [], pick);
    if (!event) return nothing('no event waits');

    return sequential(describe(event), [await this.handle(region, event)]);
  }

  private async duplicate(region: string, pick: number): Promise<StepOutcome> {
    if (this.isDown(region)) return nothing(`${region} is down`);
    const event = pickFrom(this.handled.get(region) ?? [], pick);
    if (!event) return nothing('no event was handled');

    const probe = duplicateProbe(this, region);
    const report = await this.handle(region, event);

    return {
      ...sequential(`again: ${describe(event)}`, [report]),
      violations: probe(report),
    };
  }

  private lose(region: string, pick: number): Promise<StepOutcome> {
    const event = removeAt(this.pending.get(region) ?? [], pick);
    if (!event) return skip('no event waits');

    this.awaitingRetry.delete(event.action.token);
    this.cluster.region(region).lifecycle.expire(event.action.token);

    return done(`lost: ${describe(event)}; its action times out`);
  }

  private async retry(region: string, pick: number): Promise<StepOutcome> {
    if (this.isDown(region)) return nothing(`${region} is down`);
    const event = pickFrom(this.halfDone.get(region) ?? [], pick);
    if (!event) return nothing('no half-done event');

    return sequential(`retry: ${describe(event)}`, [
      await this.handle(region, event),
    ]);
  }

  private async atOnce(
    region: string,
    runs: readonly [Invocation, Invocation],
  ): Promise<StepOutcome> {
    if (this.isDown(region) || !this.concurrency) {
      return nothing(`${region} is down`);
    }

    const { gate, waitFor } = this.concurrency;
    const started = runs.map((run) => this.invoke(region, run, gate));
    const reports = (await waitFor(Promise.all(started))).flat();

    return {
      effect: `${reports.length} run(s) at once`,
      reports,
      concurrent: true,
      violations: [],
      idle: reports.length === 0,
    };
  }

  /**
   * Starts one run of a concurrent step; an invocation with nothing to
   * work on (no event queued, no notice waiting) runs a true-up, so
   * that two runs always go at once.
   */
  private async invoke(
    region: string,
    run: Invocation,
    gate: Gate,
  ): Promise<RunReport[]> {
    const reports = await this.invokeOnce(region, run, gate);

    return reports.length > 0
      ? reports
      : [await trueUp(this.contextOf(region, gate))];
  }

  private invokeOnce(
    region: string,
    run: Invocation,
    gate: Gate,
  ): Promise<RunReport[]> {
    return match(run)
      .with({ kind: 'deliver' }, (i) => {
        const event = removeAt(this.pending.get(region) ?? [], i.pick);
        return this.handleAll(region, event, gate);
      })
      .with({ kind: 'duplicate' }, (i) => {
        const event = pickFrom(this.handled.get(region) ?? [], i.pick);
        return this.handleAll(region, event, gate);
      })
      .with({ kind: 'true-up' }, () =>
        trueUp(this.contextOf(region, gate)).then((r) => [r]),
      )
      .with({ kind: 'notices' }, () => this.drainNotices(region, gate))
      .exhaustive();
  }

  private async handleAll(
    region: string,
    event: LifecycleEventInput | undefined,
    gate: Gate,
  ): Promise<RunReport[]> {
    return event ? [await this.handle(region, event, gate)] : [];
  }

  /**
   * Runs a lifecycle event as the Lambda function would, and notes the
   * outcome: a failed completion makes Lambda deliver it again.
   */
  async handle(
    region: string,
    event: LifecycleEventInput,
    gate?: Gate,
  ): Promise<RunReport> {
    const token = event.action.token;
    this.received.set(token, region);
    const report = await handleLifecycleEvent(
      this.contextOf(region, gate),
      event,
    );
    this.noteHandled(region, event, report);
    if (report.lifecycle !== 'failed') {
      this.awaitingRetry.delete(token);
      return report;
    }

    this.awaitingRetry.add(token);
    const queue = this.pending.get(region) ?? [];
    if (!queue.some((e) => e.action.token === token)) queue.unshift(event);

    return report;
  }

  private noteHandled(
    region: string,
    event: LifecycleEventInput,
    report: RunReport,
  ): void {
    addOnce(this.handled.get(region), event);
    if (report.failures.length > 0) addOnce(this.halfDone.get(region), event);
  }

  private throttle(region: string, call: ThrottledCall): Promise<StepOutcome> {
    const service = SERVICE_OF[call];
    const operation: Operation = call;
    this.cluster.faults.failNext(throttled(region, service), {
      region,
      service,
      operation,
    });

    return done(`the next ${call} reaching ${region} is throttled`);
  }

  private operatorAdd(
    region: string,
    kind: OperatorRule,
  ): Promise<StepOutcome> {
    const rule = this.operatorRule(region, kind);
    if (!rule) return skip('no member to copy a rule of');
    const target = targetOf(this.cluster, region);
    const rules = rulesIn(this.cluster, region);
    const families: readonly AddressFamily[] =
      rule.cidr === undefined
        ? ['ipv4', 'ipv6']
        : [rule.cidr.includes(':') ? 'ipv6' : 'ipv4'];
    const quota = this.config.quota.rulesPerGroup;
    if (families.some((f) => familyCount(rules, f) >= quota)) {
      return skip('the group is full: EC2 refuses the operator too');
    }

    const firewall = this.cluster.region(region).firewall;
    const id = firewall.addRule(target, rule);
    const added = firewall.rulesOf(target).find((r) => r.ruleId === id);
    if (added) this.operatorRules.get(region)?.set(id, added);

    return done(`operator rule ${id}: ${rule.description ?? ''}`);
  }

  private operatorRule(
    region: string,
    kind: OperatorRule,
  ): OutOfBandRule | undefined {
    return match(kind)
      .with('office-ssh', () => ({
        protocol: 'tcp' as const,
        fromPort: 22,
        toPort: 22,
        cidr: '198.51.100.0/24',
        description: 'office ssh',
      }))
      .with('open-to-world', () => ({
        protocol: 'tcp' as const,
        fromPort: 443,
        toPort: 443,
        cidr: '0.0.0.0/0',
        description: 'public https',
      }))
      .with('group-source', () => ({
        protocol: 'all' as const,
        fromPort: -1,
        toPort: -1,
        sourceGroupId: 'sg-0000000000000abcd',
        description: 'monitoring',
      }))
      .with('member-copy', () => this.memberCopy(region))
      .with('tagged-lookalike', () => ({
        protocol: 'tcp' as const,
        fromPort: 9000,
        toPort: 9000,
        cidr: '192.0.2.1/32',
        description: 'copied by hand',
        tags: { [this.config.marker.tagKey]: this.config.cluster },
      }))
      .exhaustive();
  }

  /** A cluster rule for a running member, with the operator's words. */
  private memberCopy(region: string): OutOfBandRule | undefined {
    const [cidr] = [...memberCidrs(this.cluster)].sort();
    const [template] = this.config.rules;
    if (!cidr || !template) return undefined;
    const taken = rulesIn(this.cluster, region).some(
      (r) =>
        r.cidr === cidr &&
        r.protocol === template.protocol &&
        r.fromPort === template.fromPort,
    );

    return taken
      ? undefined
      : { ...template, cidr, description: `peer ${cidr} (by hand)` };
  }

  private operatorRemove(region: string, pick: number): Promise<StepOutcome> {
    const own = this.operatorRules.get(region) ?? new Map();
    const id = pickFrom([...own.keys()].sort(), pick);
    if (!id) return skip('the operator has no rule here');

    this.cluster
      .region(region)
      .firewall.removeRule(targetOf(this.cluster, region), id);
    own.delete(id);

    return done(`operator removed ${id}`);
  }

  private assign(region: string, pick: number): Promise<StepOutcome> {
    const waiting = instancesIn(this.cluster, region).filter(
      (i) => i.addressPending,
    );
    const chosen = pickFrom(waiting, pick);
    if (!chosen) return skip('no instance waits for its address');

    this.cluster.region(region).autoScaling.assignAddresses(chosen.instanceId);

    return done(`${chosen.instanceId} has its address`);
  }

  private async notices(region: string): Promise<StepOutcome> {
    if (this.isDown(region)) return nothing(`${region} is down`);
    const reports = await this.drainNotices(region);

    return sequential(`${reports.length} notice(s) handled`, reports);
  }

  /** Handles every notice waiting in a region, oldest first. */
  async drainNotices(region: string, gate?: Gate): Promise<RunReport[]> {
    const reports: RunReport[] = [];
    for (const notice of this.cluster.world.inboxes.drain(region)) {
      reports.push(
        await handleRemoteChange(this.contextOf(region, gate), notice),
      );
    }

    return reports;
  }

  private async trueUp(region: string): Promise<StepOutcome> {
    if (this.isDown(region)) return nothing(`${region} is down`);

    return sequential('true-up', [await trueUp(this.contextOf(region))]);
  }
}

const done = (effect: string): Promise<StepOutcome> =>
  Promise.resolve(sequential(effect, []));

const skip = (effect: string): Promise<StepOutcome> =>
  Promise.resolve(nothing(effect));

const addOnce = (
  list: LifecycleEventInput[] | undefined,
  event: LifecycleEventInput,
): void => {
  if (list && !list.some((e) => e.action.token === event.action.token)) {
    list.push(event);
  }
};

const describe = (event: LifecycleEventInput): string =>
  `${event.transition} ${event.action.instanceId}`;

const throttled = (region: string, service: Service): SgsyncError => ({
  kind: 'Throttled',
  message: `Rate exceeded (${service} in ${region})`,
  region,
  service,
});

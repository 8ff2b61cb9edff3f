import type {
  ChangeNotice,
  EventStore,
  FirewallTarget,
  LifecycleAction,
  LifecycleSignal,
  MembershipSource,
  Notifier,
} from '../ports.js';
import type { Protocol, TargetRef } from '../model.js';

/**
 * What the event store contract needs from an adapter's test setup.
 * Each call of `newStream` names a stream that holds no events yet.
 */
export interface EventStoreHarness {
  readonly store: EventStore;
  newStream(): string;
  cleanup?(): Promise<void>;
}

/** A rule that someone other than sgsync adds to a target, out of band. */
export interface ForeignRule {
  readonly protocol: Protocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr: string;
  readonly description?: string;
}

/**
 * What the firewall target contract needs: a fresh, empty target in the
 * harness's region, and a way to change it behind sgsync's back.
 */
export interface FirewallHarness {
  readonly firewall: FirewallTarget;
  readonly region: string;
  newTarget(): Promise<TargetRef>;
  addForeignRule(target: TargetRef, rule: ForeignRule): Promise<void>;
  /** Revokes a rule out of band, by its id. */
  removeRule(target: TargetRef, ruleId: string): Promise<void>;
  cleanup?(): Promise<void>;
}

/** A group that the membership harness made, with its instance ids. */
export interface GroupFixture {
  readonly asgName: string;
  readonly instanceIds: readonly string[];
}

/**
 * What the membership source contract needs: Auto Scaling groups whose
 * instances have addresses, that grow and shrink on demand.
 */
export interface MembershipHarness {
  readonly source: MembershipSource;
  newGroup(size: number): Promise<GroupFixture>;
  /** Sets the group's size; returns the ids of its instances afterwards. */
  resize(asgName: string, size: number): Promise<readonly string[]>;
  cleanup?(): Promise<void>;
}

/**
 * What the lifecycle signal contract needs: actions that Auto Scaling
 * waits on, and a way to ask which ones were completed.
 */
export interface LifecycleHarness {
  readonly signal: LifecycleSignal;
  pendingAction(): Promise<LifecycleAction>;
  /** An action whose timeout ran out: Auto Scaling no longer waits on it. */
  expiredAction(): Promise<LifecycleAction>;
  /** The result each action was completed with, by token. */
  completions(): Promise<ReadonlyMap<string, 'CONTINUE' | 'ABANDON'>>;
  cleanup?(): Promise<void>;
}

/**
 * What the notifier contract needs: a notifier, a region it can reach,
 * a region it cannot, and the notices that arrived in a region.
 */
export interface NotifierHarness {
  readonly notifier: Notifier;
  readonly reachableRegion: string;
  readonly unreachableRegion: string;
  received(region: string): Promise<readonly ChangeNotice[]>;
  cleanup?(): Promise<void>;
}

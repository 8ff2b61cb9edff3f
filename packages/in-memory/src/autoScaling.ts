import {
  memberCidr,
  type Addresses,
  type AddressKind,
  type LifecycleAction,
  type LifecycleEventInput,
  type LifecycleState,
  type MembershipSource,
  type Observation,
  type ObservedInstance,
  type SgsyncError,
} from '@sgsync/core';
import { err, ok, type ResultAsync } from 'neverthrow';
import {
  InMemoryLifecycleSignal,
  type LifecycleResult,
} from './lifecycleSignal.js';
import { InMemoryWorld } from './world.js';

/** What an in-memory Auto Scaling service is built with. */
export interface InMemoryAutoScalingOptions {
  readonly region: string;
  readonly world?: InMemoryWorld;
  /** The address kind whose absence marks an address as pending. */
  readonly addressKind?: AddressKind;
  /** Where lifecycle actions are registered (default: a new signal). */
  readonly lifecycle?: InMemoryLifecycleSignal;
}

/** The lifecycle hooks of a group; `false` means the group has none. */
export interface GroupOptions {
  readonly launchHook?: string | false;
  readonly terminateHook?: string | false;
}

/** How to launch an instance. */
export interface LaunchOptions {
  /** Its addresses (default: the world's next ones). */
  readonly addresses?: Addresses;
  /** When true, it has no address until {@link InMemoryAutoScaling.assignAddresses}. */
  readonly lateAddresses?: boolean;
}

/** A launched or terminated instance, and the action its hook waits on. */
export interface ScalingActivity {
  readonly instanceId: string;
  readonly action?: LifecycleAction;
}

interface Instance {
  readonly instanceId: string;
  readonly asgName: string;
  state: LifecycleState;
  addresses: Addresses;
  readonly reserved: Addresses;
}

interface Group {
  readonly launchHook: string | false;
  readonly terminateHook: string | false;
  readonly instances: Map<string, Instance>;
}

/**
 * The Auto Scaling groups of one region, in memory, as a membership
 * source. A simulation launches and terminates instances (through the
 * groups' lifecycle hooks, which register actions with the region's
 * {@link InMemoryLifecycleSignal} and queue the events EventBridge would
 * send), assigns addresses late, sets lifecycle states, and attaches or
 * detaches instances without hooks. Terminated instances are no longer
 * listed, as in AWS. An unknown group observes as no instances.
 *
 * @example
 * ```ts
 * const asg = new InMemoryAutoScaling({ region: 'us-east-1' });
 * asg.createGroup('orders-db');
 * const { action } = asg.launch('orders-db');
 * asg.takeLifecycleEvents(); // [{ transition: 'launching', action, ... }]
 * ```
 */
export class InMemoryAutoScaling implements MembershipSource {
  readonly region: string;
  readonly lifecycle: InMemoryLifecycleSignal;
  private readonly world: InMemoryWorld;
  private readonly addressKind: AddressKind;
  private readonly groups = new Map<string, Group>();
  private events: LifecycleEventInput[] = [];

  constructor(options: InMemoryAutoScalingOptions) {
    this.region = options.region;
    this.world = options.world ?? new InMemoryWorld();
    this.addressKind = options.addressKind ?? 'public-ipv4';
    this.lifecycle =
      options.lifecycle ??
      new InMemoryLifecycleSignal({ region: this.region, world: this.world });
  }

  /** Creates an empty group; hooks default to `sgsync-launch`/`-terminate`. */
  createGroup(asgName: string, options: GroupOptions = {}): void {
    this.groups.set(asgName, {
      launchHook: options.launchHook ?? 'sgsync-launch',
      terminateHook: options.terminateHook ?? 'sgsync-terminate',
      instances: new Map(),
    });
  }

  /**
   * Launches an instance. With a launch hook it waits in `launching`
   * until its action completes (then `in-service`) or is abandoned (then
   * gone); without one it is in service at once.
   */
  launch(asgName: string, options: LaunchOptions = {}): ScalingActivity {
    const group = this.groupOf(asgName);
    const reserved = options.addresses ?? this.world.nextAddresses();
    const instance: Instance = {
      instanceId: this.world.nextId('i'),
      asgName,
      state: group.launchHook ? 'launching' : 'in-service',
      addresses: options.lateAddresses ? {} : { ...reserved },
      reserved,
    };
    group.instances.set(instance.instanceId, instance);
    if (!group.launchHook) return { instanceId: instance.instanceId };

    const action = this.hook(instance, group.launchHook, 'launching', (r) =>
      r === 'CONTINUE'
        ? this.setState(instance.instanceId, 'in-service')
        : this.remove(instance.instanceId),
    );
    return { instanceId: instance.instanceId, action };
  }

  /**
   * Terminates an instance. With a terminate hook it waits in `leaving`
   * until its action ends; without one it is gone at once.
   */
  terminate(instanceId: string): ScalingActivity {
    const instance = this.instanceOf(instanceId);
    const group = this.groupOf(instance.asgName);
    if (!group.terminateHook) {
      this.remove(instanceId);
      return { instanceId };
    }

    instance.state = 'leaving';
    const action = this.hook(instance, group.terminateHook, 'terminating', () =>
      this.remove(instanceId),
    );
    return { instanceId, action };
  }

  /** Attaches a new in-service instance without running any hook. */
  attach(asgName: string, options: LaunchOptions = {}): string {
    const group = this.groupOf(asgName);
    const reserved = options.addresses ?? this.world.nextAddresses();
    const instanceId = this.world.nextId('i');
    group.instances.set(instanceId, {
      instanceId,
      asgName,
      state: 'in-service',
      addresses: options.lateAddresses ? {} : { ...reserved },
      reserved,
    });

    return instanceId;
  }

  /** Detaches an instance without running any hook: it is no longer listed. */
  detach(instanceId: string): void {
    this.instanceOf(instanceId);
    this.remove(instanceId);
  }

  /** Assigns addresses (default: those reserved at launch) to an instance. */
  assignAddresses(instanceId: string, addresses?: Addresses): void {
    const instance = this.instanceOf(instanceId);
    instance.addresses = { ...(addresses ?? instance.reserved) };
  }

  /** Sets an instance's lifecycle state; `gone` removes it from its group. */
  setState(instanceId: string, state: LifecycleState): void {
    if (state === 'gone') this.remove(instanceId);
    else this.instanceOf(instanceId).state = state;
  }

  /**
   * Grows or shrinks a group to `size` instances, through its hooks:
   * newest instances go first. Returns the ids of the instances that stay.
   */
  resize(asgName: string, size: number): string[] {
    const staying = () =>
      this.instancesOf(asgName).filter((i) => i.state !== 'leaving');
    while (staying().length < size) this.launch(asgName);
    for (const extra of staying().slice(size).reverse()) {
      this.terminate(extra.instanceId);
    }

    return staying().map((i) => i.instanceId);
  }

  /** The instances of a group, oldest first, without faults or counting. */
  instancesOf(asgName: string): ObservedInstance[] {
    return [...this.groupOf(asgName).instances.values()].map((i) =>
      this.observed(i),
    );
  }

  /** The group names, sorted. */
  groupNames(): string[] {
    return [...this.groups.keys()].sort();
  }

  /** Takes the lifecycle events queued since the last call, oldest first. */
  takeLifecycleEvents(): LifecycleEventInput[] {
    const events = this.events;
    this.events = [];

    return events;
  }

  /** Observes the named groups; a group that does not exist is NotFound. */
  observe(asgNames: readonly string[]): ResultAsync<Observation, SgsyncError> {
    return this.world.run(
      { region: this.region, service: 'membership', operation: 'observe' },
      () => {
        const missing = asgNames.filter((name) => !this.groups.has(name));
        if (missing.length > 0) return err(groupsNotFound(missing));

        return ok({
          region: this.region,
          instances: asgNames.flatMap((name) => this.instancesOf(name)),
        });
      },
    );
  }

  private hook(
    instance: Instance,
    hookName: string,
    transition: LifecycleEventInput['transition'],
    onResult: (result: LifecycleResult) => void,
  ): LifecycleAction {
    const action: LifecycleAction = {
      asgName: instance.asgName,
      hookName,
      token: tokenOf(this.world.next('token')),
      instanceId: instance.instanceId,
    };
    this.lifecycle.register(action, onResult);
    this.events.push(
      transition === 'launching'
        ? { transition, action, origin: 'EC2', destination: 'AutoScalingGroup' }
        : {
            transition,
            action,
            origin: 'AutoScalingGroup',
            destination: 'EC2',
          },
    );

    return action;
  }

  private observed(instance: Instance): ObservedInstance {
    return {
      instanceId: instance.instanceId,
      asgName: instance.asgName,
      state: instance.state,
      addresses: { ...instance.addresses },
      addressPending:
        memberCidr(instance.addresses, this.addressKind) === undefined,
    };
  }

  /**
   * Removes an instance. As in AWS, an action still waiting on it ends
   * with it: a later completion finds no active action.
   */
  private remove(instanceId: string): void {
    for (const group of this.groups.values())
      group.instances.delete(instanceId);
    for (const action of this.lifecycle.pending()) {
      if (action.instanceId === instanceId) {
        this.lifecycle.expire(action.token, 'ABANDON');
      }
    }
  }

  private groupOf(asgName: string): Group {
    const group = this.groups.get(asgName);
    if (!group) throw new Error(`no Auto Scaling group ${asgName}`);

    return group;
  }

  private instanceOf(instanceId: string): Instance {
    for (const group of this.groups.values()) {
      const instance = group.instances.get(instanceId);
      if (instance) return instance;
    }
    throw new Error(`no instance ${instanceId} in ${this.region}`);
  }
}

/** A lifecycle action token shaped like AWS's (a UUID), from a counter. */
const tokenOf = (n: number): string =>
  `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const groupsNotFound = (names: readonly string[]): SgsyncError => ({
  kind: 'NotFound',
  message: `no Auto Scaling group named ${names.join(', ')}`,
  resource: names.join(','),
});

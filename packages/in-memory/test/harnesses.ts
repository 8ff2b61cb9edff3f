import type {
  EventStoreHarness,
  FirewallHarness,
  LifecycleHarness,
  MembershipHarness,
  NotifierHarness,
} from '@sgsync/core/testing';
import {
  InMemoryAutoScaling,
  InMemoryEventStore,
  InMemoryFirewall,
  InMemoryLifecycleSignal,
  InMemoryNotifier,
  InMemoryWorld,
} from '@sgsync/in-memory';

const REGION = 'us-east-1';

/** A store whose every new stream is named by a counter. */
export const eventStoreHarness = (): EventStoreHarness => {
  let streams = 0;

  return {
    store: new InMemoryEventStore({ region: REGION }),
    newStream: () => `contract/stream-${++streams}`,
  };
};

/** A firewall that makes a new empty security group for every test. */
export const firewallHarness = (): FirewallHarness => {
  const firewall = new InMemoryFirewall({ region: REGION });

  return {
    firewall,
    region: REGION,
    newTarget: async () => firewall.createGroup(),
    addForeignRule: async (target, rule) => {
      firewall.addRule(target.id, rule);
    },
    removeRule: async (target, ruleId) => {
      firewall.removeRule(target.id, ruleId);
    },
  };
};

/** Groups without hooks, so that a resize takes effect at once. */
export const membershipHarness = (): MembershipHarness => {
  const asg = new InMemoryAutoScaling({ region: REGION });
  let groups = 0;

  return {
    source: asg,
    newGroup: async (size) => {
      const asgName = `contract-asg-${++groups}`;
      asg.createGroup(asgName, { launchHook: false, terminateHook: false });
      return { asgName, instanceIds: asg.resize(asgName, size) };
    },
    resize: async (asgName, size) => asg.resize(asgName, size),
  };
};

/** Actions launched through a hooked group; expiry is the simulation's. */
export const lifecycleHarness = (): LifecycleHarness => {
  const signal = new InMemoryLifecycleSignal({ region: REGION });
  const asg = new InMemoryAutoScaling({ region: REGION, lifecycle: signal });
  asg.createGroup('contract-asg');
  const launched = () => {
    const { action } = asg.launch('contract-asg');
    if (!action) throw new Error('the hooked group gave no action');
    return action;
  };

  return {
    signal,
    pendingAction: async () => launched(),
    expiredAction: async () => {
      const action = launched();
      signal.expire(action.token);
      return action;
    },
    completions: async () => signal.completions(),
  };
};

/** Two regions in one world: one with an inbox, one cut off. */
export const notifierHarness = (): NotifierHarness => {
  const world = new InMemoryWorld();
  world.inboxes.open('eu-west-1');
  world.inboxes.open('ap-south-1');
  world.faults.makeUnreachable('ap-south-1');

  return {
    notifier: new InMemoryNotifier({ region: REGION, world }),
    reachableRegion: 'eu-west-1',
    unreachableRegion: 'ap-south-1',
    received: async (region) => world.inboxes.peek(region),
  };
};

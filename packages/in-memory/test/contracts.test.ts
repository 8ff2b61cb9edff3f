import {
  eventStoreContract,
  firewallContract,
  lifecycleSignalContract,
  membershipSourceContract,
  notifierContract,
} from '@sgsync/core/testing';
import {
  eventStoreHarness,
  firewallHarness,
  lifecycleHarness,
  membershipHarness,
  notifierHarness,
} from './harnesses.js';

eventStoreContract('InMemoryEventStore', async () => eventStoreHarness());
firewallContract('InMemoryFirewall', async () => firewallHarness());
membershipSourceContract('InMemoryAutoScaling', async () =>
  membershipHarness(),
);
lifecycleSignalContract('InMemoryLifecycleSignal', async () =>
  lifecycleHarness(),
);
notifierContract('InMemoryNotifier', async () => notifierHarness());

import {
  eventStoreContract,
  firewallContract,
  lifecycleSignalContract,
  membershipSourceContract,
  notifierContract,
} from '@sgsync/core/testing';
import {
  autoScalingMembershipHarness,
  dynamoDbEventStoreHarness,
  ec2FirewallHarness,
  eventBridgeNotifierHarness,
  proxiedLifecycleHarness,
} from './support/harnesses.js';

eventStoreContract('DynamoDbEventStore on moto', dynamoDbEventStoreHarness);
firewallContract('Ec2SecurityGroupFirewall on moto', ec2FirewallHarness);
membershipSourceContract(
  'AutoScalingMembershipSource on moto',
  autoScalingMembershipHarness,
);
lifecycleSignalContract(
  'AutoScalingLifecycleSignal on moto through the answering proxy',
  proxiedLifecycleHarness,
);
notifierContract('EventBridgeNotifier on moto', eventBridgeNotifierHarness);

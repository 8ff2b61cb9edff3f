import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  EventBridgeClient,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  AutoScalingLifecycleSignal,
  EventBridgeNotifier,
  NOTICE_DETAIL_TYPE,
  NOTICE_SOURCE,
} from '@sgsync/aws-adapters';
import type { ChangeNotice } from '@sgsync/core';
import { errOf, okOf } from '@sgsync/core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { serviceError } from './support/sdk-errors.js';

const events = mockClient(EventBridgeClient);
const autoScaling = mockClient(AutoScalingClient);

const notice: ChangeNotice = {
  cluster: 'orders',
  fromRegion: 'eu-west-1',
  stream: 'orders/eu-west-1',
  version: 7,
  sentAt: '2026-01-01T00:00:00.000Z',
};

const notifier = () =>
  new EventBridgeNotifier(
    new Map([
      [
        'us-east-1',
        {
          client: new EventBridgeClient({ region: 'us-east-1' }),
          eventBus: 'sgsync',
        },
      ],
    ]),
  );

const action = {
  asgName: 'orders',
  hookName: 'sgsync-launch',
  token: 'token-1',
  instanceId: 'i-0123456789abcdef0',
};

const signal = () =>
  new AutoScalingLifecycleSignal({
    client: new AutoScalingClient({ region: 'eu-west-1' }),
    region: 'eu-west-1',
  });

describe('EventBridgeNotifier with SDK stubs', () => {
  beforeEach(() => events.reset());

  it('puts the notice with the documented source and detail-type (SDK stub)', async () => {
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });

    await okOf(notifier().notify('us-east-1', notice));

    expect(
      events.commandCalls(PutEventsCommand)[0]?.args[0].input,
    ).toStrictEqual({
      Entries: [
        {
          Source: NOTICE_SOURCE,
          DetailType: NOTICE_DETAIL_TYPE,
          Detail: JSON.stringify(notice),
          EventBusName: 'sgsync',
        },
      ],
    });
  });

  it.each([
    ['ThrottlingException', 'Throttled'],
    ['InternalFailure', 'Unreachable'],
    ['AccessDeniedException', 'Rejected'],
  ])(
    'fails when a 200 answer holds an entry failed with %s (SDK stub)',
    async (code, kind) => {
      events.on(PutEventsCommand).resolves({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: code, ErrorMessage: 'no' }],
      });

      const error = await errOf(notifier().notify('us-east-1', notice));

      expect(error.kind).toBe(kind);
      expect(error.message).toContain('orders/eu-west-1 version 7');
    },
  );

  it('fails with NotFound for a region it has no bus for', async () => {
    const error = await errOf(notifier().notify('ap-south-1', notice));

    expect(error.kind).toBe('NotFound');
    expect(events.calls()).toHaveLength(0);
  });
});

describe('AutoScalingLifecycleSignal with SDK stubs', () => {
  beforeEach(() => autoScaling.reset());

  it('completes with CONTINUE by token and instance id (SDK stub)', async () => {
    autoScaling.on(CompleteLifecycleActionCommand).resolves({});

    const outcome = await okOf(signal().complete(action));

    expect(outcome).toBe('completed');
    expect(
      autoScaling.commandCalls(CompleteLifecycleActionCommand)[0]?.args[0]
        .input,
    ).toStrictEqual({
      AutoScalingGroupName: 'orders',
      LifecycleHookName: 'sgsync-launch',
      LifecycleActionToken: 'token-1',
      InstanceId: 'i-0123456789abcdef0',
      LifecycleActionResult: 'CONTINUE',
    });
  });

  it.each([
    'No active Lifecycle Action found with token token-1',
    'No active Lifecycle Action found with instance ID i-0123456789abcdef0',
  ])('counts "%s" as already done (SDK stub)', async (message) => {
    autoScaling
      .on(CompleteLifecycleActionCommand)
      .rejects(serviceError('ValidationError', message));
    autoScaling
      .on(RecordLifecycleActionHeartbeatCommand)
      .rejects(serviceError('ValidationError', message));

    expect(await okOf(signal().complete(action))).toBe('already-done');
    expect(await okOf(signal().heartbeat(action))).toBeUndefined();
  });

  it('reports another ValidationError as Rejected, naming the action (SDK stub)', async () => {
    autoScaling
      .on(CompleteLifecycleActionCommand)
      .rejects(serviceError('ValidationError', 'Group orders not found'));

    const error = await errOf(signal().complete(action));

    expect(error).toMatchObject({ kind: 'Rejected', code: 'ValidationError' });
    expect(error.message).toContain('token-1');
  });
});

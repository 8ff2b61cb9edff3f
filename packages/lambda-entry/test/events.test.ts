import { describe, expect, it } from 'vitest';
import { parseInvocation } from '../src/index.js';
import {
  lifecycleEvent,
  noticeEvent,
  scheduledEvent,
  testNotification,
} from './fixtures.js';

const problemsOf = (input: unknown) => {
  const parsed = parseInvocation(input);
  if (parsed.isOk()) throw new Error('expected the input to be refused');
  expect(parsed.error.kind).toBe('InputInvalid');

  return parsed.error.problems.map((p) => p.path);
};

describe('parseInvocation', () => {
  it('reads a launch lifecycle action into the core input', () => {
    // act
    const parsed = parseInvocation(lifecycleEvent({ transition: 'launching' }));

    // assert
    expect(parsed._unsafeUnwrap()).toEqual({
      kind: 'lifecycle',
      eventId: '12345678-1234-1234-1234-123456789012',
      region: 'us-east-1',
      input: {
        transition: 'launching',
        action: {
          asgName: 'db-use1',
          hookName: 'sgsync-launch',
          token: '87654321-4321-4321-4321-210987654321',
          instanceId: 'i-1234567890abcdef0',
        },
        origin: 'EC2',
        destination: 'AutoScalingGroup',
      },
    });
  });

  it('reads a terminate lifecycle action', () => {
    const parsed = parseInvocation(
      lifecycleEvent({ transition: 'terminating' }),
    );

    const value = parsed._unsafeUnwrap();
    expect(value.kind === 'lifecycle' && value.input.transition).toBe(
      'terminating',
    );
  });

  it.each([
    ['launching', 'EC2', 'WarmPool'],
    ['launching', 'WarmPool', 'AutoScalingGroup'],
    ['terminating', 'AutoScalingGroup', 'WarmPool'],
    ['terminating', 'WarmPool', 'EC2'],
  ] as const)(
    'keeps the warm pool places of a %s action from %s to %s',
    (transition, origin, destination) => {
      const parsed = parseInvocation(
        lifecycleEvent({ transition, origin, destination }),
      );

      const value = parsed._unsafeUnwrap();
      expect(value.kind === 'lifecycle' && value.input).toMatchObject({
        transition,
        origin,
        destination,
      });
    },
  );

  it('reads a lifecycle action without Origin and Destination', () => {
    const event = lifecycleEvent({ transition: 'launching' });
    const { Origin: _o, Destination: _d, ...detail } = event.detail;

    const parsed = parseInvocation({ ...event, detail });

    const value = parsed._unsafeUnwrap();
    expect(value.kind === 'lifecycle' && value.input).not.toHaveProperty(
      'origin',
    );
  });

  it('ignores fields AWS may add to an event', () => {
    const event = lifecycleEvent({ transition: 'launching' });

    const parsed = parseInvocation({
      ...event,
      detail: { ...event.detail, SomethingNew: 'x' },
    });

    expect(parsed.isOk()).toBe(true);
  });

  it('reads the Auto Scaling test notification', () => {
    expect(parseInvocation(testNotification)._unsafeUnwrap()).toEqual({
      kind: 'test-notification',
      asgName: 'db-use1',
    });
  });

  it('reads a scheduled event as a true-up', () => {
    expect(parseInvocation(scheduledEvent())._unsafeUnwrap()).toEqual({
      kind: 'scheduled-true-up',
      eventId: '89d1a02d-5ec7-412e-82f5-13505f849b41',
      region: 'us-east-1',
    });
  });

  it('reads the manual true-up of the original article', () => {
    const parsed = parseInvocation({
      detail: { AutoScalingGroupName: 'db-use1' },
    });

    expect(parsed._unsafeUnwrap()).toEqual({
      kind: 'manual-true-up',
      asgName: 'db-use1',
    });
  });

  it('reads a change notice from another region', () => {
    const parsed = parseInvocation(noticeEvent());

    expect(parsed._unsafeUnwrap()).toMatchObject({
      kind: 'remote-change',
      notice: {
        cluster: 'orders-db',
        fromRegion: 'eu-west-1',
        stream: 'orders-db/eu-west-1',
        version: 1,
      },
    });
  });

  it('reads a dry-run request', () => {
    expect(parseInvocation({ sgsync: 'plan' })._unsafeUnwrap()).toEqual({
      kind: 'plan',
    });
  });

  it('lists every problem of a malformed lifecycle action', () => {
    const event = lifecycleEvent({ transition: 'launching' });

    const paths = problemsOf({
      ...event,
      account: 'me',
      detail: {
        ...event.detail,
        EC2InstanceId: 'not-an-instance',
        LifecycleActionToken: undefined,
        Origin: 'Elsewhere',
      },
    });

    expect(paths).toEqual([
      'account',
      'detail.LifecycleActionToken',
      'detail.EC2InstanceId',
      'detail.Origin',
    ]);
  });

  it('refuses a transition that contradicts the detail-type', () => {
    const event = lifecycleEvent({ transition: 'launching' });

    const paths = problemsOf({
      ...event,
      detail: {
        ...event.detail,
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      },
    });

    expect(paths).toEqual(['detail.LifecycleTransition']);
  });

  it('refuses another Auto Scaling event', () => {
    const paths = problemsOf({
      ...lifecycleEvent({ transition: 'launching' }),
      'detail-type': 'EC2 Instance Launch Successful',
    });

    expect(paths).toEqual(['detail-type']);
  });

  it('refuses a notice whose stream is not its sender', () => {
    const event = noticeEvent();

    const paths = problemsOf({
      ...event,
      detail: { ...event.detail, stream: 'orders-db/us-east-1' },
    });

    expect(paths).toEqual(['detail.stream']);
  });

  it('refuses a source it does not know, saying what it accepts', () => {
    const parsed = parseInvocation({ source: 'aws.ec2', detail: {} });

    const error = parsed._unsafeUnwrapErr();
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain('source aws.autoscaling');
  });

  it.each([
    ['null', null],
    ['a string', 'true-up'],
    ['an array', []],
    ['an empty object', {}],
  ])('refuses %s', (_name, input) => {
    expect(problemsOf(input)).toEqual(['(root)']);
  });

  it('refuses a manual true-up with anything besides the group name', () => {
    const paths = problemsOf({
      detail: { AutoScalingGroupName: 'db-use1', Force: true },
    });

    expect(paths).toEqual(['detail']);
  });

  it('refuses a plan request of another word', () => {
    expect(problemsOf({ sgsync: 'apply' })).toEqual(['sgsync']);
  });
});

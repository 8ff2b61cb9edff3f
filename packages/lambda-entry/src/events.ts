import type {
  ChangeNotice,
  InputInvalid,
  LifecycleEventInput,
  Problem,
} from '@sgsync/core';
import { NOTICE_DETAIL_TYPE, NOTICE_SOURCE } from '@sgsync/aws-adapters';
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';

/** The `detail-type` values of the two lifecycle action events. */
export const LIFECYCLE_DETAIL_TYPES = {
  launching: 'EC2 Instance-launch Lifecycle Action',
  terminating: 'EC2 Instance-terminate Lifecycle Action',
} as const;

/**
 * Everything the function accepts, once parsed:
 * - `lifecycle`: an Auto Scaling lifecycle action, delivered by
 *   EventBridge, that waits on a CONTINUE;
 * - `test-notification`: the message Auto Scaling sends when a hook's
 *   notification target is set up; nothing to do;
 * - `scheduled-true-up`: an EventBridge scheduled event;
 * - `manual-true-up`: `{"detail":{"AutoScalingGroupName":"..."}}`;
 * - `remote-change`: another region's notice that its stream changed;
 * - `plan`: `{"sgsync":"plan"}`, a dry run that changes nothing.
 */
export type Invocation =
  | {
      readonly kind: 'lifecycle';
      readonly eventId: string;
      readonly region: string;
      readonly input: LifecycleEventInput;
    }
  | { readonly kind: 'test-notification'; readonly asgName: string }
  | {
      readonly kind: 'scheduled-true-up';
      readonly eventId: string;
      readonly region: string;
    }
  | { readonly kind: 'manual-true-up'; readonly asgName: string }
  | {
      readonly kind: 'remote-change';
      readonly eventId: string;
      readonly region: string;
      readonly notice: ChangeNotice;
    }
  | { readonly kind: 'plan' };

/** The `kind` of every invocation, as logged in `event_kind`. */
export type InvocationKind = Invocation['kind'];

const regionName = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'is not an AWS region name');

const asgName = z.string().min(1).max(255);

/** The fields that EventBridge puts around every event's `detail`. */
const envelope = {
  version: z.literal('0'),
  id: z.string().min(1),
  account: z.string().regex(/^\d{12}$/, 'is not an AWS account id'),
  time: z.iso.datetime({ offset: true }),
  region: regionName,
  resources: z.array(z.string()),
};

const place = z.enum(['EC2', 'AutoScalingGroup', 'WarmPool']);

const TRANSITIONS = {
  launching: 'autoscaling:EC2_INSTANCE_LAUNCHING',
  terminating: 'autoscaling:EC2_INSTANCE_TERMINATING',
} as const;

const lifecycleDetail = z.object({
  LifecycleActionToken: z.string().min(36).max(36),
  AutoScalingGroupName: asgName,
  LifecycleHookName: z.string().min(1).max(255),
  EC2InstanceId: z
    .string()
    .regex(/^i-[0-9a-f]{8,17}$/, 'is not an instance id'),
  LifecycleTransition: z.enum([TRANSITIONS.launching, TRANSITIONS.terminating]),
  NotificationMetadata: z.string().optional(),
  Origin: place.optional(),
  Destination: place.optional(),
});

const lifecycleSchema = z
  .object({
    ...envelope,
    source: z.literal('aws.autoscaling'),
    'detail-type': z.enum([
      LIFECYCLE_DETAIL_TYPES.launching,
      LIFECYCLE_DETAIL_TYPES.terminating,
    ]),
    detail: lifecycleDetail,
  })
  .superRefine((event, ctx) => {
    if (transitionOf(event['detail-type']) !== transitionName(event)) {
      ctx.addIssue({
        code: 'custom',
        path: ['detail', 'LifecycleTransition'],
        message: `does not match detail-type ${event['detail-type']}`,
      });
    }
  })
  .transform((event): Invocation => ({
    kind: 'lifecycle',
    eventId: event.id,
    region: event.region,
    input: lifecycleInput(event.detail),
  }));

type LifecycleDetail = z.infer<typeof lifecycleDetail>;

const transitionOf = (detailType: string): 'launching' | 'terminating' =>
  detailType === LIFECYCLE_DETAIL_TYPES.launching ? 'launching' : 'terminating';

const transitionName = (event: {
  readonly detail: LifecycleDetail;
}): 'launching' | 'terminating' =>
  event.detail.LifecycleTransition === TRANSITIONS.launching
    ? 'launching'
    : 'terminating';

const lifecycleInput = (detail: LifecycleDetail): LifecycleEventInput => ({
  transition: transitionName({ detail }),
  action: {
    asgName: detail.AutoScalingGroupName,
    hookName: detail.LifecycleHookName,
    token: detail.LifecycleActionToken,
    instanceId: detail.EC2InstanceId,
  },
  ...(detail.Origin === undefined ? {} : { origin: detail.Origin }),
  ...(detail.Destination === undefined
    ? {}
    : { destination: detail.Destination }),
});

const testNotificationSchema = z
  .object({
    Event: z.literal('autoscaling:TEST_NOTIFICATION'),
    AccountId: z.string().regex(/^\d{12}$/, 'is not an AWS account id'),
    AutoScalingGroupName: asgName,
    AutoScalingGroupARN: z.string().min(1),
    Service: z.string().min(1),
    Time: z.iso.datetime({ offset: true }),
    RequestId: z.string().min(1),
  })
  .transform((event): Invocation => ({
    kind: 'test-notification',
    asgName: event.AutoScalingGroupName,
  }));

const scheduledSchema = z
  .object({
    ...envelope,
    source: z.literal('aws.events'),
    'detail-type': z.literal('Scheduled Event'),
    detail: z.object({}),
  })
  .transform((event): Invocation => ({
    kind: 'scheduled-true-up',
    eventId: event.id,
    region: event.region,
  }));

const manualSchema = z
  .strictObject({
    detail: z.strictObject({ AutoScalingGroupName: asgName }),
  })
  .transform((event): Invocation => ({
    kind: 'manual-true-up',
    asgName: event.detail.AutoScalingGroupName,
  }));

const noticeDetail = z.object({
  cluster: z.string().min(1),
  fromRegion: regionName,
  stream: z.string().min(1),
  version: z.number().int().min(0),
  sentAt: z.iso.datetime({ offset: true }),
});

const noticeSchema = z
  .object({
    ...envelope,
    source: z.literal(NOTICE_SOURCE),
    'detail-type': z.literal(NOTICE_DETAIL_TYPE),
    detail: noticeDetail,
  })
  .superRefine((event, ctx) => {
    const expected = `${event.detail.cluster}/${event.detail.fromRegion}`;
    if (event.detail.stream !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['detail', 'stream'],
        message: `is not the sender's stream ${expected}`,
      });
    }
  })
  .transform((event): Invocation => ({
    kind: 'remote-change',
    eventId: event.id,
    region: event.region,
    notice: event.detail,
  }));

const planSchema = z
  .strictObject({ sgsync: z.literal('plan') })
  .transform((): Invocation => ({ kind: 'plan' }));

/** Any of the schemas above; each ends in an {@link Invocation}. */
type InvocationSchema = z.ZodType<Invocation, unknown>;

const SCHEMAS_BY_SOURCE: Readonly<Record<string, InvocationSchema>> = {
  'aws.autoscaling': lifecycleSchema,
  'aws.events': scheduledSchema,
  [NOTICE_SOURCE]: noticeSchema,
};

const ACCEPTED =
  'an Auto Scaling lifecycle action (source aws.autoscaling), ' +
  'an Auto Scaling test notification, a scheduled event ' +
  `(source aws.events), a change notice (source ${NOTICE_SOURCE}), ` +
  '{"detail":{"AutoScalingGroupName":"..."}} or {"sgsync":"plan"}';

/**
 * Reads what the function was invoked with. On failure the error lists
 * every problem found, each with its path, and says what is accepted.
 *
 * @example
 * ```ts
 * const parsed = parseInvocation({
 *   detail: { AutoScalingGroupName: 'orders-db' },
 * });
 * parsed.isOk() && parsed.value.kind; // 'manual-true-up'
 * ```
 */
export const parseInvocation = (
  input: unknown,
): Result<Invocation, InputInvalid> => {
  const schema = schemaOf(input);
  if (schema === undefined) return err(inputInvalid(unrecognised(input)));

  const parsed = schema.safeParse(input);

  return parsed.success
    ? ok(parsed.data)
    : err(inputInvalid(parsed.error.issues.map(toProblem)));
};

const schemaOf = (input: unknown): InvocationSchema | undefined => {
  if (!isRecord(input)) return undefined;
  if (typeof input.source === 'string') {
    return SCHEMAS_BY_SOURCE[input.source];
  }
  if ('Event' in input) return testNotificationSchema;
  if ('sgsync' in input) return planSchema;

  return 'detail' in input ? manualSchema : undefined;
};

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

const unrecognised = (input: unknown): Problem[] => {
  if (!isRecord(input)) {
    return [
      { path: '(root)', reason: `is not an object; expected ${ACCEPTED}` },
    ];
  }
  if ('source' in input) {
    return [
      {
        path: 'source',
        reason: `${JSON.stringify(input.source)} is not a source sgsync accepts; expected ${ACCEPTED}`,
      },
    ];
  }

  return [{ path: '(root)', reason: `is none of ${ACCEPTED}` }];
};

const toProblem = (issue: z.core.$ZodIssue): Problem => ({
  path: issue.path.map(String).join('.') || '(root)',
  reason: issue.message,
});

/** An `InputInvalid` error whose message lists every problem. */
export const inputInvalid = (problems: readonly Problem[]): InputInvalid => ({
  kind: 'InputInvalid',
  message: `the event has ${problems.length} problem(s): ${problems
    .map((p) => `${p.path} ${p.reason}`)
    .join('; ')}`,
  problems,
});

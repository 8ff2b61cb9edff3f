import type { SgsyncError } from '../errors.js';
import type { MembershipCommand } from '../events.js';
import { isMemberState } from '../membership.js';
import type { InstanceId, Observation } from '../model.js';
import type { ChangeNotice, LifecycleAction } from '../ports.js';
import {
  localRegion,
  localStream,
  remoteRegions,
  type RegionContext,
} from './context.js';
import { observeAndRecord, type CommandsOf } from './record.js';
import { reconcileLocalTargets } from './reconcile.js';
import {
  beforeDeadline,
  isLate,
  pullFromRemotes,
  pushTo,
  type Deadline,
} from './replicate.js';
import {
  newReport,
  type ReportDraft,
  type RunReport,
  type StepFailure,
} from './report.js';

/** Where an instance comes from or goes to in a lifecycle transition. */
export type LifecyclePlace = 'EC2' | 'AutoScalingGroup' | 'WarmPool';

/** A lifecycle action that Auto Scaling announced and waits on. */
export interface LifecycleEventInput {
  readonly transition: 'launching' | 'terminating';
  readonly action: LifecycleAction;
  readonly origin?: LifecyclePlace;
  readonly destination?: LifecyclePlace;
}

/** How a run's remote steps may be bounded by its caller. */
export interface RemoteOptions {
  /**
   * Settles when the remote steps (copies to other regions' stores and
   * notices) must stop being waited on, so that the action is completed
   * in time. Each region still unanswered then is reported `Unreachable`;
   * what it was doing goes on unobserved and the next true-up repairs it.
   */
  readonly remoteDeadline?: Promise<unknown>;
}

/** How a lifecycle run may be bounded by its caller. */
export type LifecycleOptions = RemoteOptions;

/**
 * Handles a lifecycle action: observe the groups, record what changed,
 * reconcile the local targets, copy the events to every other region's
 * store and notify those regions, then complete the action with CONTINUE.
 * The action is completed whatever failed before; failures are reported.
 * With `options.remoteDeadline`, the remote steps are waited on only
 * until it settles, so that a hanging region cannot delay the completion.
 * An action of a group that is not in the local region's configuration
 * is not sgsync's: it is reported as invalid input and left alone.
 *
 * @example
 * ```ts
 * const report = await handleLifecycleEvent(ctx, {
 *   transition: 'launching',
 *   action: { asgName, hookName, token, instanceId },
 * });
 * report.failures; // [] when every step worked
 * ```
 */
export const handleLifecycleEvent = async (
  ctx: RegionContext,
  input: LifecycleEventInput,
  options: LifecycleOptions = {},
): Promise<RunReport> => {
  const report = newReport(ctx.ports.region);
  if (!localRegion(ctx).asgNames.includes(input.action.asgName)) {
    report.failures.push(failureOf(ctx, 'observe', foreignGroup(input)));
    return report;
  }

  const recorded = await record(ctx, report, lifecycleCommands(ctx, input));
  await reconcile(ctx, report);
  if (recorded > 0) {
    await spread(ctx, report, { deadline: options.remoteDeadline });
  }

  const completed = await ctx.ports.lifecycle.complete(input.action);
  completed.match(
    (outcome) => (report.lifecycle = outcome),
    (error) => {
      report.lifecycle = 'failed';
      report.failures.push(failureOf(ctx, 'complete', error));
    },
  );

  return report;
};

/**
 * A true-up: observe the groups and record only the differences, pull
 * what the other regions' stores hold that the local one lacks, reconcile
 * the local targets, then copy the local stream to every region that
 * lacks part of it and notify each region that has news. With
 * `options.remoteDeadline`, other regions are waited on only until it
 * settles.
 */
export const trueUp = async (
  ctx: RegionContext,
  options: RemoteOptions = {},
): Promise<RunReport> => {
  const report = newReport(ctx.ports.region);
  const now = ctx.ports.clock.now();
  const deadline = options.remoteDeadline;
  const recorded = await record(ctx, report, (o) => [trueUpOf(o, now)]);
  const pulled = await pullFromRemotes(ctx, undefined, deadline);
  report.replicated.push(...pulled.copied);
  report.failures.push(...pulled.failures);
  await reconcile(ctx, report);
  await spread(ctx, report, { deadline, onlyNews: recorded === 0 });

  return report;
};

/**
 * A notice that another region's stream changed: pull that stream from
 * the sender's store (in case its copy did not arrive) and reconcile the
 * local targets.
 */
export const handleRemoteChange = async (
  ctx: RegionContext,
  notice: ChangeNotice,
  options: RemoteOptions = {},
): Promise<RunReport> => {
  const report = newReport(ctx.ports.region);
  const pulled = await pullFromRemotes(
    ctx,
    [notice.fromRegion],
    options.remoteDeadline,
  );
  report.replicated.push(...pulled.copied);
  report.failures.push(...pulled.failures);
  await reconcile(ctx, report);

  return report;
};

/** Plans every local target from the local view and changes nothing. */
export const planOnly = async (ctx: RegionContext): Promise<RunReport> => {
  const report = newReport(ctx.ports.region);
  const results = await reconcileLocalTargets(ctx, { apply: false });
  report.targets.push(...results.targets);
  report.failures.push(...results.failures);

  return report;
};

const lifecycleCommands =
  (ctx: RegionContext, input: LifecycleEventInput): CommandsOf =>
  (observation) => {
    const now = ctx.ports.clock.now();

    return [
      ...subjectCommands(input, observation, now),
      trueUpOf(observation, now),
    ];
  };

const subjectCommands = (
  input: LifecycleEventInput,
  observation: Observation,
  now: string,
): MembershipCommand[] => {
  const id = input.action.instanceId;
  if (input.destination === 'WarmPool') return [];

  const instance = findInstance(observation, id);
  if (input.transition === 'terminating') {
    // A terminate action for an instance the group still shows in
    // service is stale or not Auto Scaling's: the true-up decides.
    return instance && isMemberState(instance.state)
      ? []
      : [{ type: 'RecordTermination', instanceId: id, observedAt: now }];
  }

  return instance ? [{ type: 'RecordLaunch', instance, observedAt: now }] : [];
};

const findInstance = (observation: Observation, id: InstanceId) =>
  observation.instances.find((i) => i.instanceId === id);

const trueUpOf = (
  observation: Observation,
  observedAt: string,
): MembershipCommand => ({
  type: 'RecordTrueUp',
  instances: observation.instances,
  observedAt,
});

const record = async (
  ctx: RegionContext,
  report: ReportDraft,
  commandsOf: CommandsOf,
): Promise<number> => {
  const recorded = await observeAndRecord(ctx, commandsOf);

  return recorded.match(
    (r) => {
      report.recorded.push(...r.events);
      return r.events.length;
    },
    (error) => {
      report.failures.push(failureOf(ctx, 'record', error));
      return 0;
    },
  );
};

const reconcile = async (
  ctx: RegionContext,
  report: ReportDraft,
): Promise<void> => {
  const results = await reconcileLocalTargets(ctx);
  report.targets.push(...results.targets);
  report.failures.push(...results.failures);
};

/** How the local change is spread to the other regions. */
interface SpreadOptions {
  readonly deadline: Deadline;
  /** Notify only the regions that were missing events. */
  readonly onlyNews?: boolean;
}

/**
 * Copies the local stream to every other region and notifies it, each
 * region on its own, so that a slow region never delays the others.
 */
const spread = async (
  ctx: RegionContext,
  report: ReportDraft,
  options: SpreadOptions,
): Promise<void> => {
  const notice = await noticeOf(ctx);
  const regions = remoteRegions(ctx).map((r) => r.name);
  const drafts = await Promise.all(
    regions.map((region) => spreadTo(ctx, region, notice, options)),
  );
  for (const draft of drafts) {
    report.replicated.push(...draft.replicated);
    report.notified.push(...draft.notified);
    report.failures.push(...draft.failures);
  }
};

const spreadTo = async (
  ctx: RegionContext,
  region: string,
  notice: ChangeNotice,
  options: SpreadOptions,
): Promise<ReportDraft> => {
  const draft = newReport(ctx.ports.region);
  const pushed = await beforeDeadline(
    pushTo(ctx, region),
    region,
    options.deadline,
  );
  pushed.match(
    (copied) => draft.replicated.push(copied),
    (error) => draft.failures.push(failureOf(ctx, 'replicate', error, region)),
  );
  if (pushed.isErr() && isLate(pushed.error)) return draft;
  const news = pushed.isErr() || pushed.value.copied > 0;
  if (options.onlyNews && !news) return draft;

  const notified = await beforeDeadline(
    ctx.ports.notifier.notify(region, notice),
    region,
    options.deadline,
  );
  notified.match(
    () => draft.notified.push(region),
    (error) => draft.failures.push(failureOf(ctx, 'notify', error, region)),
  );

  return draft;
};

const noticeOf = async (ctx: RegionContext): Promise<ChangeNotice> => ({
  cluster: ctx.config.cluster,
  fromRegion: ctx.ports.region,
  stream: localStream(ctx),
  version: await localVersion(ctx),
  sentAt: ctx.ports.clock.now(),
});

const localVersion = async (ctx: RegionContext): Promise<number> => {
  const store = ctx.ports.stores.get(ctx.ports.region);
  const slice = store
    ? await store.readStream(localStream(ctx), Number.MAX_SAFE_INTEGER)
    : undefined;

  return slice?.isOk() ? slice.value.version : 0;
};

const failureOf = (
  ctx: RegionContext,
  step: StepFailure['step'],
  error: SgsyncError,
  region = ctx.ports.region,
): StepFailure => ({ step, region, error });

const foreignGroup = (input: LifecycleEventInput): SgsyncError => ({
  kind: 'InputInvalid',
  message: `${input.action.asgName} is not a group of this region`,
  problems: [
    { path: 'detail.AutoScalingGroupName', reason: 'not in the cluster' },
  ],
});

import type { SgsyncError } from '../errors.js';
import type { MembershipCommand } from '../events.js';
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
import { pullFromRemotes, pushToRemotes } from './replicate.js';
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

/** How a lifecycle run may be bounded by its caller. */
export interface LifecycleOptions {
  /**
   * Settles when the remote steps (copies to other regions' stores and
   * notices) must stop being waited on, so that the action is completed
   * in time. Each region still unanswered then is reported `Unreachable`;
   * what it was doing goes on unobserved and the next true-up repairs it.
   */
  readonly remoteDeadline?: Promise<unknown>;
}

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
  if (recorded > 0) await spreadWithin(ctx, report, options.remoteDeadline);

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
 * A true-up: observe the groups and record only the differences, repair
 * replication both ways, reconcile the local targets, and notify the
 * other regions when anything changed.
 */
export const trueUp = async (ctx: RegionContext): Promise<RunReport> => {
  const report = newReport(ctx.ports.region);
  const now = ctx.ports.clock.now();
  const recorded = await record(ctx, report, (o) => [trueUpOf(o, now)]);
  const pulled = await pullFromRemotes(ctx);
  report.failures.push(...pulled.failures);
  await reconcile(ctx, report);

  const pushed = await pushToRemotes(ctx);
  report.replicated.push(...pushed.copied, ...pulled.copied);
  report.failures.push(...pushed.failures);
  const copied = pushed.copied.some((c) => c.copied > 0);
  if (recorded > 0 || copied) await notifyAll(ctx, report);

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
): Promise<RunReport> => {
  const report = newReport(ctx.ports.region);
  const pulled = await pullFromRemotes(ctx, [notice.fromRegion]);
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
  if (input.transition === 'terminating') {
    return [{ type: 'RecordTermination', instanceId: id, observedAt: now }];
  }

  const instance = findInstance(observation, id);

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

const spread = async (
  ctx: RegionContext,
  report: ReportDraft,
): Promise<void> => {
  const pushed = await pushToRemotes(ctx);
  report.replicated.push(...pushed.copied);
  report.failures.push(...pushed.failures);
  await notifyAll(ctx, report);
};

/**
 * Spreads the change, waiting no longer than the deadline. The steps
 * write to their own draft; at the deadline its contents so far are
 * kept and every region that has not answered both steps is reported.
 */
const spreadWithin = async (
  ctx: RegionContext,
  report: ReportDraft,
  deadline: Promise<unknown> | undefined,
): Promise<void> => {
  if (deadline === undefined) return spread(ctx, report);

  const draft = newReport(ctx.ports.region);
  const inTime = await Promise.race([
    spread(ctx, draft).then(() => true),
    deadline.then(() => false),
  ]);
  report.replicated.push(...draft.replicated);
  report.notified.push(...draft.notified);
  report.failures.push(...draft.failures);
  if (!inTime) report.failures.push(...unanswered(ctx, draft));
};

const unanswered = (ctx: RegionContext, draft: ReportDraft): StepFailure[] =>
  remoteRegions(ctx)
    .map((r) => r.name)
    .filter((region) => !draft.notified.includes(region))
    .filter((region) => !draft.failures.some((f) => f.region === region))
    .map((region) => ({
      step: draft.replicated.some((r) => r.region === region)
        ? 'notify'
        : 'replicate',
      region,
      error: {
        kind: 'Unreachable',
        message: `${region} did not answer before the deadline`,
        region,
        service: 'remote-steps',
      },
    }));

const notifyAll = async (
  ctx: RegionContext,
  report: ReportDraft,
): Promise<void> => {
  const version = await localVersion(ctx);
  const notice: ChangeNotice = {
    cluster: ctx.config.cluster,
    fromRegion: ctx.ports.region,
    stream: localStream(ctx),
    version,
    sentAt: ctx.ports.clock.now(),
  };
  const regions = remoteRegions(ctx).map((r) => r.name);
  const results = await Promise.all(
    regions.map((region) => ctx.ports.notifier.notify(region, notice)),
  );
  results.forEach((result, i) => {
    const region = regions[i] ?? '?';
    result.match(
      () => report.notified.push(region),
      (error) => report.failures.push(failureOf(ctx, 'notify', error, region)),
    );
  });
};

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

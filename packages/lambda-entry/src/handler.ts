import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  createRegionContext,
  handleLifecycleEvent,
  handleRemoteChange,
  planOnly,
  trueUp,
  type ClusterConfig,
  type ConfigInvalid,
  type InputInvalid,
  type LifecycleEventInput,
  type LifecycleSignal,
  type Problem,
  type RegionContext,
  type RemoteOptions,
  type RegionPorts,
  type RunReport,
  type SgsyncError,
  type StepFailure,
} from '@sgsync/core';
import type { Result } from 'neverthrow';
import { match } from 'ts-pattern';
import {
  COMPLETION_RESERVE_MS,
  lifecycleBudget,
  systemTimer,
  type Timer,
} from './deadline.js';
import { inputInvalid, parseInvocation, type Invocation } from './events.js';
import {
  LOG_FIELDS as F,
  METRIC_NAMES as M,
  type LogFields,
} from './fields.js';
import {
  ENV,
  readSettings,
  type Environment,
  type Settings,
} from './settings.js';
import {
  errorFields,
  recordRun,
  setClusterDimension,
  type Telemetry,
} from './telemetry.js';
import { summarise, type InvocationResult } from './result.js';

/** Builds a region's ports for the cluster: AWS in Lambda, memory in tests. */
export type PortsFactory = (
  config: ClusterConfig,
  region: string,
  settings: Settings,
) => RegionPorts;

/**
 * Builds a lifecycle signal from the region alone, for completing an
 * action when the configuration is too broken to build the ports.
 */
export type LifecycleSignalFactory = (region: string) => LifecycleSignal;

/** What the handler is composed of. */
export interface HandlerDependencies {
  /** The environment, read once when the handler is created. */
  readonly env: Environment;
  readonly portsFor: PortsFactory;
  readonly lifecycleFor: LifecycleSignalFactory;
  /** Powertools' Logger and Metrics by default. */
  readonly telemetry?: Telemetry;
  /** `setTimeout` by default. */
  readonly timer?: Timer;
}

/** The part of Lambda's context object the handler reads. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  readonly awsRequestId?: string;
}

/** An sgsync Lambda handler. */
export type SgsyncHandler = (
  event: unknown,
  context: InvocationContext,
) => Promise<InvocationResult>;

/**
 * Thrown so that Lambda counts the invocation as failed (and retries an
 * asynchronous one): the configuration is invalid, or a lifecycle action
 * could not be completed. Everything else is reported, not thrown.
 */
export class InvocationFailed extends Error {
  override readonly name = 'InvocationFailed';

  constructor(readonly error: SgsyncError) {
    super(error.message);
  }
}

interface Ready {
  readonly settings: Settings;
  readonly ctx: RegionContext;
}

interface Invoke {
  readonly deps: HandlerDependencies;
  readonly telemetry: Telemetry;
  readonly timer: Timer;
  readonly ready: Result<Ready, ConfigInvalid>;
}

/**
 * Composes the handler. The settings are read and the ports are built
 * once, here (at cold start); a configuration problem is logged here and
 * fails every invocation, after completing the lifecycle action the
 * invocation carries, if any, with a signal built from the region alone.
 *
 * @example
 * ```ts
 * export const handler = createHandler({
 *   env: process.env,
 *   portsFor: (config, region) => createAwsRegionPorts(config, region),
 *   lifecycleFor: (region) => createAwsLifecycleSignal(region),
 * });
 * ```
 */
export const createHandler = (deps: HandlerDependencies): SgsyncHandler => {
  const telemetry = deps.telemetry ?? defaultTelemetry();
  const ready = prepare(deps);
  ready.match(
    ({ settings }) => announce(telemetry, settings),
    (error) =>
      telemetry.logger.error('configuration invalid', errorFields(error)),
  );
  const invoke: Invoke = {
    deps,
    telemetry,
    timer: deps.timer ?? systemTimer,
    ready,
  };

  return async (event, context) => {
    try {
      return await handle(invoke, event, context);
    } finally {
      telemetry.logger.resetKeys();
      telemetry.metrics.publishStoredMetrics();
    }
  };
};

/** Powertools' Logger and Metrics, named for sgsync. */
export const defaultTelemetry = (): Telemetry => ({
  logger: new Logger({ serviceName: 'sgsync' }),
  metrics: new Metrics({ namespace: 'sgsync', serviceName: 'sgsync' }),
});

const prepare = (deps: HandlerDependencies): Result<Ready, ConfigInvalid> =>
  readSettings(deps.env).andThen((settings) =>
    createRegionContext(
      settings.config,
      deps.portsFor(settings.config, settings.region, settings),
    ).map((ctx) => ({ settings, ctx })),
  );

const announce = (telemetry: Telemetry, settings: Settings): void => {
  telemetry.logger.appendPersistentKeys({
    [F.cluster]: settings.config.cluster,
    [F.localRegion]: settings.region,
  });
  setClusterDimension(telemetry.metrics, settings.config.cluster);
  telemetry.logger.info('configuration read', {
    [F.boundMs]: settings.lifecycleBoundMs,
  });
};

const handle = async (
  invoke: Invoke,
  event: unknown,
  context: InvocationContext,
): Promise<InvocationResult> => {
  const parsed = parseInvocation(event);
  if (parsed.isErr()) return reject(invoke.telemetry, parsed.error);

  const invocation = parsed.value;
  invoke.telemetry.logger.appendKeys(invocationFields(invocation, context));
  if (invoke.ready.isErr()) {
    return failFast(invoke, invocation, invoke.ready.error);
  }

  return run(invoke, invoke.ready.value, invocation, context);
};

const reject = (
  telemetry: Telemetry,
  error: InputInvalid,
): InvocationResult => {
  telemetry.logger.error('event rejected', errorFields(error));
  telemetry.metrics.addMetric(M.inputsRejected, MetricUnit.Count, 1);

  return {
    status: 'rejected',
    error: {
      kind: error.kind,
      message: error.message,
      problems: error.problems,
    },
  };
};

const invocationFields = (
  invocation: Invocation,
  context: InvocationContext,
): LogFields => ({
  [F.eventKind]: invocation.kind,
  ...(context.awsRequestId ? { [F.requestId]: context.awsRequestId } : {}),
  ...('eventId' in invocation ? { [F.eventId]: invocation.eventId } : {}),
  ...(invocation.kind === 'lifecycle' ? actionFields(invocation.input) : {}),
});

const actionFields = (input: LifecycleEventInput): LogFields => ({
  [F.instanceId]: input.action.instanceId,
  [F.asgName]: input.action.asgName,
  [F.lifecycleHook]: input.action.hookName,
  [F.lifecycleTransition]: input.transition,
  ...(input.origin ? { [F.origin]: input.origin } : {}),
  ...(input.destination ? { [F.destination]: input.destination } : {}),
});

/**
 * With an invalid configuration nothing can be synchronised, but a
 * lifecycle action must still be completed: Auto Scaling would otherwise
 * wait for the hook's timeout. Completing needs only the region.
 */
const failFast = async (
  invoke: Invoke,
  invocation: Invocation,
  error: ConfigInvalid,
): Promise<never> => {
  invoke.telemetry.logger.error('configuration invalid', errorFields(error));
  if (invocation.kind === 'lifecycle') {
    const region = invoke.deps.env[ENV.region] || invocation.region;
    const signal = invoke.deps.lifecycleFor(region);
    await completeAlone(invoke.telemetry, signal, invocation.input);
  }

  throw new InvocationFailed(error);
};

const completeAlone = async (
  telemetry: Telemetry,
  signal: LifecycleSignal,
  input: LifecycleEventInput,
): Promise<void> => {
  const completed = await signal.complete(input.action);
  completed.match(
    (outcome) => {
      telemetry.logger.info('lifecycle action completed', {
        [F.lifecycleOutcome]: outcome,
      });
      telemetry.metrics.addMetric(
        M.lifecycleActionsCompleted,
        MetricUnit.Count,
        1,
      );
    },
    (e) =>
      telemetry.logger.error('step failed', {
        [F.step]: 'complete',
        ...errorFields(e),
      }),
  );
};

const run = async (
  invoke: Invoke,
  ready: Ready,
  invocation: Invocation,
  context: InvocationContext,
): Promise<InvocationResult> => {
  const problems = invocationProblems(invocation, ready.settings);
  if (problems.length > 0)
    return reject(invoke.telemetry, inputInvalid(problems));
  if (invocation.kind === 'test-notification') {
    invoke.telemetry.logger.info('test notification received');
    return { status: 'ignored', kind: invocation.kind };
  }

  const report = await dispatch(invoke, ready, invocation, context);
  recordRun(invoke.telemetry, invocation.kind, report);
  if (report.lifecycle === 'failed') {
    const failure = report.failures.find((f) => f.step === 'complete');
    throw new InvocationFailed(
      failure?.error ?? unexpected('completion failed'),
    );
  }

  return summarise(invocation.kind, report);
};

const dispatch = (
  invoke: Invoke,
  { ctx, settings }: Ready,
  invocation: Exclude<Invocation, { kind: 'test-notification' }>,
  context: InvocationContext,
): Promise<RunReport> =>
  match(invocation)
    .with({ kind: 'lifecycle' }, (i) =>
      runLifecycle(invoke.timer, ctx, i.input, {
        boundMs: settings.lifecycleBoundMs,
        remainingMs: context.getRemainingTimeInMillis(),
      }),
    )
    .with({ kind: 'scheduled-true-up' }, { kind: 'manual-true-up' }, () =>
      withinRemaining(invoke.timer, context, (options) => trueUp(ctx, options)),
    )
    .with({ kind: 'remote-change' }, (i) =>
      withinRemaining(invoke.timer, context, (options) =>
        handleRemoteChange(ctx, i.notice, options),
      ),
    )
    .with({ kind: 'plan' }, () => planOnly(ctx))
    .exhaustive();

/**
 * Runs a true-up or a notice with other regions waited on only until one
 * reserve before the function's time runs out, so that a hanging region
 * cannot make the invocation time out before it reports.
 */
const withinRemaining = async (
  timer: Timer,
  context: InvocationContext,
  run: (options: RemoteOptions) => Promise<RunReport>,
): Promise<RunReport> => {
  const remaining = context.getRemainingTimeInMillis();
  const remote = timer.after(Math.max(0, remaining - COMPLETION_RESERVE_MS));
  try {
    return await run({ remoteDeadline: remote.promise });
  } finally {
    remote.cancel();
  }
};

/**
 * Runs a lifecycle action within its budget. The remote steps stop being
 * waited on at `remoteMs`; should the local steps themselves hang, the
 * action is completed directly at `hardMs`, and what the run was doing
 * goes on unobserved: the next true-up repairs it.
 */
const runLifecycle = async (
  timer: Timer,
  ctx: RegionContext,
  input: LifecycleEventInput,
  time: { readonly boundMs: number; readonly remainingMs: number },
): Promise<RunReport> => {
  const budget = lifecycleBudget(time.boundMs, time.remainingMs);
  const remote = timer.after(budget.remoteMs);
  const hard = timer.after(budget.hardMs);
  try {
    const report = await Promise.race([
      handleLifecycleEvent(ctx, input, { remoteDeadline: remote.promise }),
      hard.promise.then(() => undefined),
    ]);

    return (
      report ?? (await completeDirectly(ctx, input, hung(ctx, budget.hardMs)))
    );
  } catch (thrown) {
    // A run that throws (a defect, or data no check caught) must still
    // let Auto Scaling go on: the action is completed, the error logged.
    return completeDirectly(ctx, input, threw(ctx, thrown));
  } finally {
    remote.cancel();
    hard.cancel();
  }
};

const hung = (ctx: RegionContext, hardMs: number): StepFailure => ({
  step: 'reconcile',
  region: ctx.ports.region,
  error: {
    kind: 'Unreachable',
    message: `the local steps did not finish within ${hardMs} ms`,
    region: ctx.ports.region,
    service: 'local-steps',
  },
});

const threw = (ctx: RegionContext, thrown: unknown): StepFailure => ({
  step: 'reconcile',
  region: ctx.ports.region,
  error: {
    kind: 'Unexpected',
    message: `the run failed: ${String(thrown)}`,
    cause: thrown,
  },
});

/** Completes the action after the run hung or failed, and says why. */
const completeDirectly = async (
  ctx: RegionContext,
  input: LifecycleEventInput,
  why: StepFailure,
): Promise<RunReport> => {
  const region = ctx.ports.region;
  const completed = await ctx.ports.lifecycle.complete(input.action);
  const empty = {
    region,
    recorded: [],
    replicated: [],
    targets: [],
    notified: [],
  };

  return completed.match(
    (outcome): RunReport => ({
      ...empty,
      lifecycle: outcome,
      failures: [why],
    }),
    (error): RunReport => ({
      ...empty,
      lifecycle: 'failed',
      failures: [why, { step: 'complete', region, error }],
    }),
  );
};

/**
 * What makes a well-formed invocation foreign to this function: another
 * region, another cluster, or a group that is not the cluster's here.
 */
export const invocationProblems = (
  invocation: Invocation,
  settings: Settings,
): Problem[] =>
  match(invocation)
    .with({ kind: 'lifecycle' }, (i) => [
      ...regionProblem(i.region, settings),
      ...groupProblem(
        i.input.action.asgName,
        'detail.AutoScalingGroupName',
        settings,
      ),
    ])
    .with({ kind: 'manual-true-up' }, (i) =>
      groupProblem(i.asgName, 'detail.AutoScalingGroupName', settings),
    )
    .with({ kind: 'test-notification' }, () => [])
    .with({ kind: 'scheduled-true-up' }, (i) =>
      regionProblem(i.region, settings),
    )
    .with({ kind: 'remote-change' }, (i) => [
      ...regionProblem(i.region, settings),
      ...noticeProblems(i.notice.cluster, i.notice.fromRegion, settings),
    ])
    .with({ kind: 'plan' }, () => [])
    .exhaustive();

const regionProblem = (region: string, settings: Settings): Problem[] =>
  region === settings.region
    ? []
    : [
        {
          path: 'region',
          reason: `${region} is not this function's region ${settings.region}`,
        },
      ];

const groupProblem = (
  asgName: string,
  path: string,
  settings: Settings,
): Problem[] => {
  const local = settings.config.regions.find((r) => r.name === settings.region);

  return local?.asgNames.includes(asgName)
    ? []
    : [
        {
          path,
          reason: `${asgName} is not a group of the cluster in ${settings.region}`,
        },
      ];
};

const noticeProblems = (
  cluster: string,
  fromRegion: string,
  settings: Settings,
): Problem[] => [
  ...(cluster === settings.config.cluster
    ? []
    : [
        {
          path: 'detail.cluster',
          reason: `${cluster} is not cluster ${settings.config.cluster}`,
        },
      ]),
  ...(fromRegion !== settings.region &&
  settings.config.regions.some((r) => r.name === fromRegion)
    ? []
    : [
        {
          path: 'detail.fromRegion',
          reason: `${fromRegion} is not another region of the cluster`,
        },
      ]),
];

const unexpected = (message: string): SgsyncError => ({
  kind: 'Unexpected',
  message,
});

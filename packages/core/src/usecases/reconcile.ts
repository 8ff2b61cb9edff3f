import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { SgsyncError } from '../errors.js';
import { streamName } from '../events.js';
import type { ActualRule, Rule, TargetRef } from '../model.js';
import type { QuotaExceeded } from '../errors.js';
import {
  computePlan,
  isEmptyPlan,
  revocationsOnly,
  type Plan,
  type PlanInput,
} from '../plan.js';
import type { ApplyOutcome } from '../ports.js';
import { desiredRules, type ClusterView } from '../view.js';
import { localTargets, storeOf, type RegionContext } from './context.js';
import type { StepFailure, TargetReport } from './report.js';
import { readStreamState } from './streams.js';

/**
 * Reads the cluster view from the local store: every region's stream as
 * this region's replica holds it, from its latest snapshot when the ports
 * have a snapshot store. With `keepSnapshots` false it writes none.
 */
export const readLocalView = (
  ctx: RegionContext,
  keepSnapshots = true,
): ResultAsync<ClusterView, SgsyncError> =>
  storeOf(ctx, ctx.ports.region).andThen((store) =>
    ResultAsync.combine(
      ctx.config.regions.map((r) =>
        readStreamState(
          ctx,
          store,
          streamName(ctx.config.cluster, r.name),
          keepSnapshots,
        ).map((state) => [r.name, state] as const),
      ),
    ).map((states): ClusterView => new Map(states)),
  );

/** The outcome of reconciling every local target. */
export interface ReconcileResults {
  readonly targets: TargetReport[];
  readonly failures: StepFailure[];
}

/**
 * How often one run reconciles again because the view moved while it
 * applied a plan (another run recorded or copied events meanwhile).
 */
export const MAX_RECONCILE_ROUNDS = 3;

/**
 * Brings every local target to the desired rule set of the local view. A
 * failing target is reported and the others go on.
 *
 * Two runs in one region may reconcile at once, each from the view it
 * read. So after applying a change, the run checks whether any stream
 * moved past the view it planned from; if so it reconciles again, so
 * that the last run to change a target always does so from the newest
 * view (a run that records an event reconciles after it).
 */
export const reconcileLocalTargets = async (
  ctx: RegionContext,
  options: { readonly apply: boolean } = { apply: true },
): Promise<ReconcileResults> => {
  const targets: TargetReport[] = [];
  const failures: StepFailure[] = [];
  for (let round = 1; round <= MAX_RECONCILE_ROUNDS; round += 1) {
    const once = await reconcileOnce(ctx, options.apply);
    targets.push(...once.targets);
    failures.push(...once.failures);
    if (!once.changed || !(await viewMoved(ctx, once.versions))) break;
  }

  return { targets, failures };
};

interface Round extends ReconcileResults {
  /** The version of each region's stream the round planned from. */
  readonly versions: ReadonlyMap<string, number>;
  /** True when the round applied any change. */
  readonly changed: boolean;
}

const reconcileOnce = async (
  ctx: RegionContext,
  apply: boolean,
): Promise<Round> => {
  const view = await readLocalView(ctx, apply);
  if (view.isErr()) {
    const failures = [failure(ctx, undefined, view.error)];
    return { targets: [], failures, versions: new Map(), changed: false };
  }

  const desired = desiredRules(ctx.config, view.value);
  const targets: TargetReport[] = [];
  const failures: StepFailure[] = [];
  for (const target of localTargets(ctx)) {
    const result = apply
      ? await reconcileTarget(ctx, target, desired)
      : await planTarget(ctx, target, desired).map(planned);
    result.match(
      (report) => targets.push(report),
      (error) => failures.push(failure(ctx, target, error)),
    );
  }
  const versions = new Map(
    [...view.value].map(([region, state]) => [region, state.version]),
  );
  const changed = apply && targets.some((t) => !isEmptyPlan(t.plan));

  return { targets, failures, versions, changed };
};

/** True when a local stream holds events past the given versions. */
const viewMoved = async (
  ctx: RegionContext,
  versions: ReadonlyMap<string, number>,
): Promise<boolean> => {
  const store = ctx.ports.stores.get(ctx.ports.region);
  if (!store) return false;

  const now = await ResultAsync.combine(
    ctx.config.regions.map((r) =>
      store
        .readStream(
          streamName(ctx.config.cluster, r.name),
          Number.MAX_SAFE_INTEGER,
        )
        .map((slice) => slice.version !== versions.get(r.name)),
    ),
  );

  return now.isOk() && now.value.some(Boolean);
};

/**
 * Plans one target and applies the plan. When the target changed between
 * read and write (`Stale`), it reads and plans once more. When the plan is
 * over quota, it still revokes what must go, then reports the refusal.
 * After a change, it reads the target again to tell whether it converged.
 */
export const reconcileTarget = (
  ctx: RegionContext,
  target: TargetRef,
  desired: readonly Rule[],
): ResultAsync<TargetReport, SgsyncError> =>
  planAndApply(ctx, target, desired).orElse((error) =>
    error.kind === 'Stale'
      ? planAndApply(ctx, target, desired)
      : fail<TargetReport>(error),
  );

const planAndApply = (
  ctx: RegionContext,
  target: TargetRef,
  desired: readonly Rule[],
): ResultAsync<TargetReport, SgsyncError> =>
  ctx.ports.firewall.readRules(target).andThen((actual) => {
    const input = planInput(ctx, target, desired, actual);
    const plan = computePlan(input);
    if (plan.isErr() && plan.error.kind === 'QuotaExceeded') {
      return revokeThenRefuse(ctx, input, plan.error);
    }
    if (plan.isErr()) return fail<TargetReport>(plan.error);

    return applyAndVerify(ctx, plan.value, desired);
  });

const applyAndVerify = (
  ctx: RegionContext,
  plan: Plan,
  desired: readonly Rule[],
): ResultAsync<TargetReport, SgsyncError> =>
  apply(ctx, plan).andThen((outcome) =>
    isEmptyPlan(plan)
      ? okAsync({ target: plan.target, plan, outcome, converged: true })
      : verify(ctx, plan.target, desired).map((converged) => ({
          target: plan.target,
          plan,
          outcome,
          converged,
        })),
  );

/**
 * Over quota, the rules of members that left must still go: revoking
 * never adds to the count. The refusal is reported after that.
 */
const revokeThenRefuse = (
  ctx: RegionContext,
  input: PlanInput,
  refusal: QuotaExceeded,
): ResultAsync<TargetReport, SgsyncError> => {
  const unbounded = computePlan({ ...input, quota: Number.MAX_SAFE_INTEGER });
  const revokes = unbounded.isOk()
    ? revocationsOnly(unbounded.value)
    : undefined;

  return revokes === undefined || isEmptyPlan(revokes)
    ? fail(refusal)
    : apply(ctx, revokes).andThen(() => fail<TargetReport>(refusal));
};

/** Reads a target and computes its plan. Changes nothing. */
export const planTarget = (
  ctx: RegionContext,
  target: TargetRef,
  desired: readonly Rule[],
): ResultAsync<Plan, SgsyncError> =>
  ctx.ports.firewall
    .readRules(target)
    .andThen((actual) =>
      computePlan(planInput(ctx, target, desired, actual)).asyncAndThen(
        (plan) => okAsync<Plan, SgsyncError>(plan),
      ),
    );

const planInput = (
  ctx: RegionContext,
  target: TargetRef,
  desired: readonly Rule[],
  actual: readonly ActualRule[],
): PlanInput => ({
  target,
  desired,
  actual,
  marker: ctx.config.marker,
  quota: ctx.config.quota.rulesPerGroup,
});

const apply = (
  ctx: RegionContext,
  plan: Plan,
): ResultAsync<ApplyOutcome, SgsyncError> =>
  isEmptyPlan(plan)
    ? okAsync({ authorized: 0, revoked: 0, calls: 0 })
    : ctx.ports.firewall.applyPlan(plan);

const verify = (
  ctx: RegionContext,
  target: TargetRef,
  desired: readonly Rule[],
): ResultAsync<boolean, SgsyncError> =>
  planTarget(ctx, target, desired).map(isEmptyPlan);

const planned = (plan: Plan): TargetReport => ({
  target: plan.target,
  plan,
  converged: isEmptyPlan(plan),
});

const failure = (
  ctx: RegionContext,
  target: TargetRef | undefined,
  error: SgsyncError,
): StepFailure => ({
  step: 'reconcile',
  region: ctx.ports.region,
  ...(target ? { target: target.id } : {}),
  error,
});

const fail = <T>(error: SgsyncError): ResultAsync<T, SgsyncError> =>
  errAsync(error);

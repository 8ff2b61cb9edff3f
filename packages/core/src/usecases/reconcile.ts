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
 * have a snapshot store.
 */
export const readLocalView = (
  ctx: RegionContext,
): ResultAsync<ClusterView, SgsyncError> =>
  storeOf(ctx, ctx.ports.region).andThen((store) =>
    ResultAsync.combine(
      ctx.config.regions.map((r) =>
        readStreamState(ctx, store, streamName(ctx.config.cluster, r.name)).map(
          (state) => [r.name, state] as const,
        ),
      ),
    ).map((states): ClusterView => new Map(states)),
  );

/** The outcome of reconciling every local target. */
export interface ReconcileResults {
  readonly targets: TargetReport[];
  readonly failures: StepFailure[];
}

/**
 * Brings every local target to the desired rule set of the local view. A
 * failing target is reported and the others go on.
 */
export const reconcileLocalTargets = async (
  ctx: RegionContext,
  options: { readonly apply: boolean } = { apply: true },
): Promise<ReconcileResults> => {
  const view = await readLocalView(ctx);
  if (view.isErr()) {
    return { targets: [], failures: [failure(ctx, undefined, view.error)] };
  }

  const desired = desiredRules(ctx.config, view.value);
  const targets: TargetReport[] = [];
  const failures: StepFailure[] = [];
  for (const target of localTargets(ctx)) {
    const result = options.apply
      ? await reconcileTarget(ctx, target, desired)
      : await planTarget(ctx, target, desired).map(planned);
    result.match(
      (report) => targets.push(report),
      (error) => failures.push(failure(ctx, target, error)),
    );
  }

  return { targets, failures };
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

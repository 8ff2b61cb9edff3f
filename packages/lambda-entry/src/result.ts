import type { Problem, RunReport, SgsyncErrorKind, Step } from '@sgsync/core';
import { serialisePlan } from '@sgsync/core';
import type { InvocationKind } from './events.js';

/** What one target's reconciliation or plan came to. */
export interface TargetSummary {
  readonly securityGroupId: string;
  readonly authorized: number;
  readonly revoked: number;
  readonly converged: boolean;
  /** The plan in its canonical text form; in plan-only runs. */
  readonly plan?: string;
}

/** A failed step, as plain data. */
export interface FailureSummary {
  readonly step: Step;
  readonly region: string;
  readonly kind: SgsyncErrorKind;
  readonly message: string;
}

/**
 * What the handler returns: plain JSON, readable in the console of a
 * manual invocation. `done` when every step worked, `partial` when some
 * failed (they are listed, and the next true-up repairs them),
 * `rejected` for an event that sgsync does not accept, `ignored` for an
 * Auto Scaling test notification.
 */
export type InvocationResult =
  | {
      readonly status: 'done' | 'partial';
      readonly kind: InvocationKind;
      readonly recorded: number;
      readonly targets: readonly TargetSummary[];
      readonly lifecycle?: RunReport['lifecycle'];
      readonly failures: readonly FailureSummary[];
    }
  | {
      readonly status: 'rejected';
      readonly error: {
        readonly kind: SgsyncErrorKind;
        readonly message: string;
        readonly problems: readonly Problem[];
      };
    }
  | { readonly status: 'ignored'; readonly kind: InvocationKind };

/** The result of a run, from its report. */
export const summarise = (
  kind: InvocationKind,
  report: RunReport,
): InvocationResult => ({
  status: report.failures.length === 0 ? 'done' : 'partial',
  kind,
  recorded: report.recorded.length,
  targets: report.targets.map((t) => ({
    securityGroupId: t.target.id,
    authorized: t.outcome?.authorized ?? t.plan.authorize.length,
    revoked: t.outcome?.revoked ?? t.plan.revoke.length,
    converged: t.converged,
    ...(kind === 'plan' ? { plan: serialisePlan(t.plan) } : {}),
  })),
  ...(report.lifecycle ? { lifecycle: report.lifecycle } : {}),
  failures: report.failures.map((f) => ({
    step: f.step,
    region: f.region,
    kind: f.error.kind,
    message: f.error.message,
  })),
});

import type { SgsyncError } from '../errors.js';
import type { StoredEvent } from '../events.js';
import type { Plan } from '../plan.js';
import type { ApplyOutcome } from '../ports.js';
import type { RegionName, TargetRef } from '../model.js';

/** The steps of a run, as named in reports and logs. */
export type Step =
  | 'observe'
  | 'record'
  | 'replicate'
  | 'pull'
  | 'reconcile'
  | 'notify'
  | 'complete';

/** A step that failed, and where. */
export interface StepFailure {
  readonly step: Step;
  readonly region: RegionName;
  /** The target's id, for a reconcile failure. */
  readonly target?: string;
  readonly error: SgsyncError;
}

/** What reconciling one target did. */
export interface TargetReport {
  readonly target: TargetRef;
  readonly plan: Plan;
  /** Absent in a plan-only run. */
  readonly outcome?: ApplyOutcome;
  /** True when a read after the change found the target as desired. */
  readonly converged: boolean;
}

/** What copying events into another region's store did. */
export interface ReplicationReport {
  readonly region: RegionName;
  readonly stream: string;
  readonly copied: number;
}

/**
 * Everything one run did in one region: events recorded, replicas
 * repaired, targets reconciled, regions notified, and every failure.
 * Runs never throw: a failing step is recorded and the next one goes on.
 */
export interface RunReport {
  readonly region: RegionName;
  readonly recorded: readonly StoredEvent[];
  readonly replicated: readonly ReplicationReport[];
  readonly targets: readonly TargetReport[];
  readonly notified: readonly RegionName[];
  readonly lifecycle?: 'completed' | 'already-done' | 'failed';
  readonly failures: readonly StepFailure[];
}

/** A report builder that steps add to. */
export interface ReportDraft {
  region: RegionName;
  recorded: StoredEvent[];
  replicated: ReplicationReport[];
  targets: TargetReport[];
  notified: RegionName[];
  lifecycle?: 'completed' | 'already-done' | 'failed';
  failures: StepFailure[];
}

/** An empty report for a region. */
export const newReport = (region: RegionName): ReportDraft => ({
  region,
  recorded: [],
  replicated: [],
  targets: [],
  notified: [],
  failures: [],
});

import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import {
  serialisePlan,
  type RunReport,
  type SgsyncError,
  type StepFailure,
  type TargetReport,
} from '@sgsync/core';
import type { InvocationKind } from './events.js';
import {
  LOG_FIELDS as F,
  METRIC_NAMES as M,
  type LogFields,
} from './fields.js';

/** Where the function writes its logs and metrics. */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The cluster each Metrics instance was given as a default dimension. */
const clusterDimensionOf = new WeakMap<Metrics, string>();

/**
 * Makes `cluster` a default dimension of every metric, once per Metrics
 * instance: Powertools warns that a dimension "has already been added"
 * each time one is set again, so a handler created again over the same
 * instance (a second region in tests, a module loaded twice) sets it only
 * if the value changes.
 */
export const setClusterDimension = (
  metrics: Metrics,
  cluster: string,
): void => {
  if (clusterDimensionOf.get(metrics) === cluster) return;

  metrics.setDefaultDimensions({ cluster });
  clusterDimensionOf.set(metrics, cluster);
};

/** The log fields of an error: its kind, message and problems if any. */
export const errorFields = (error: SgsyncError): LogFields => ({
  [F.errorKind]: error.kind,
  [F.errorMessage]: error.message,
  ...('problems' in error ? { [F.problems]: error.problems } : {}),
});

/**
 * Writes one log record per target, replication and failure of a run,
 * then a summary record, and adds the run's metrics.
 */
export const recordRun = (
  telemetry: Telemetry,
  kind: InvocationKind,
  report: RunReport,
): void => {
  report.targets.forEach((t) => logTarget(telemetry.logger, kind, t));
  report.replicated.forEach((r) =>
    telemetry.logger.info('stream copied', {
      [F.region]: r.region,
      [F.stream]: r.stream,
      [F.eventsCopied]: r.copied,
    }),
  );
  report.failures.forEach((f) => logFailure(telemetry.logger, f));
  telemetry.logger.info('run finished', summaryFields(report));

  addRunMetrics(telemetry.metrics, kind, report);
};

const logTarget = (
  logger: Logger,
  kind: InvocationKind,
  target: TargetReport,
): void => {
  const fields: LogFields = {
    [F.securityGroupId]: target.target.id,
    [F.rulesAuthorized]:
      target.outcome?.authorized ?? target.plan.authorize.length,
    [F.rulesRevoked]: target.outcome?.revoked ?? target.plan.revoke.length,
    [F.converged]: target.converged,
    ...(target.outcome ? { [F.apiCalls]: target.outcome.calls } : {}),
  };
  if (kind === 'plan') {
    logger.info('target planned', {
      ...fields,
      [F.plan]: serialisePlan(target.plan),
    });
    return;
  }

  logger.info('target reconciled', fields);
};

const logFailure = (logger: Logger, failure: StepFailure): void =>
  logger.error('step failed', {
    [F.step]: failure.step,
    [F.region]: failure.region,
    ...(failure.target ? { [F.securityGroupId]: failure.target } : {}),
    ...errorFields(failure.error),
  });

const summaryFields = (report: RunReport): LogFields => {
  const last = report.recorded.at(-1);

  return {
    [F.eventsRecorded]: report.recorded.length,
    ...(last
      ? { [F.stream]: last.stream, [F.streamVersion]: last.version }
      : {}),
    [F.rulesAuthorized]: sum(report.targets, (t) => t.outcome?.authorized ?? 0),
    [F.rulesRevoked]: sum(report.targets, (t) => t.outcome?.revoked ?? 0),
    [F.failures]: report.failures.length,
    ...(report.lifecycle ? { [F.lifecycleOutcome]: report.lifecycle } : {}),
  };
};

const addRunMetrics = (
  metrics: Metrics,
  kind: InvocationKind,
  report: RunReport,
): void => {
  const authorized = sum(report.targets, (t) => t.outcome?.authorized ?? 0);
  const revoked = sum(report.targets, (t) => t.outcome?.revoked ?? 0);
  metrics.addMetric(M.rulesAuthorized, MetricUnit.Count, authorized);
  metrics.addMetric(M.rulesRevoked, MetricUnit.Count, revoked);
  metrics.addMetric(M.remoteFailures, MetricUnit.Count, remoteFailures(report));
  metrics.addMetric(M.plansRefused, MetricUnit.Count, plansRefused(report));
  if (isTrueUp(kind)) {
    const drift = report.recorded.length + authorized + revoked;
    metrics.addMetric(M.driftFound, MetricUnit.Count, drift);
  }
  if (report.lifecycle === 'completed' || report.lifecycle === 'already-done') {
    metrics.addMetric(M.lifecycleActionsCompleted, MetricUnit.Count, 1);
  }
};

const isTrueUp = (kind: InvocationKind): boolean =>
  kind === 'scheduled-true-up' || kind === 'manual-true-up';

/** Failures in another region, or in the steps that reach one. */
const remoteFailures = (report: RunReport): number =>
  report.failures.filter(
    (f) =>
      f.region !== report.region ||
      f.step === 'replicate' ||
      f.step === 'pull' ||
      f.step === 'notify',
  ).length;

/** Plans refused before any call: over quota, or a rule too broad. */
const plansRefused = (report: RunReport): number =>
  report.failures.filter(
    (f) => f.error.kind === 'QuotaExceeded' || f.error.kind === 'UnsafeRule',
  ).length;

const sum = <T>(items: readonly T[], of: (item: T) => number): number =>
  items.reduce((total, item) => total + of(item), 0);

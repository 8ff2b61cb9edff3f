import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { setClusterDimension } from '../src/telemetry.js';

const ALREADY_ADDED = 'Dimension "cluster" has already been added';

/** A Metrics instance whose warnings go to a spy, not to the console. */
const spiedMetrics = () => {
  const logger = {
    debug: vi.fn(),
    info: vi.fn(),
    warn: vi.fn(),
    error: vi.fn(),
  };
  const metrics = new Metrics({
    namespace: 'sgsync',
    serviceName: 'sgsync',
    logger,
  });

  return { metrics, warn: logger.warn };
};

const warnings = (warn: ReturnType<typeof vi.fn>): string[] =>
  warn.mock.calls.map(([message]) => String(message));

/** The EMF document of one metric, with the instance's dimensions. */
const dimensionsOf = (metrics: Metrics) => {
  metrics.addMetric('RulesAuthorized', MetricUnit.Count, 1);
  const emf = metrics.serializeMetrics();
  metrics.clearMetrics();

  return { emf };
};

describe('the cluster dimension', () => {
  it('draws a Powertools warning when set twice directly', () => {
    const { metrics, warn } = spiedMetrics();

    metrics.setDefaultDimensions({ cluster: 'orders-db' });
    metrics.setDefaultDimensions({ cluster: 'orders-db' });

    expect(warnings(warn).some((w) => w.includes(ALREADY_ADDED))).toBe(true);
  });

  it('is set once per Metrics instance, however often it is asked for', () => {
    const { metrics, warn } = spiedMetrics();

    setClusterDimension(metrics, 'orders-db');
    setClusterDimension(metrics, 'orders-db');
    setClusterDimension(metrics, 'orders-db');

    expect(warnings(warn)).toEqual([]);
    const { emf } = dimensionsOf(metrics);
    expect(emf).toMatchObject({ service: 'sgsync', cluster: 'orders-db' });
    expect(emf._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'cluster'],
    ]);
  });

  it('is set on each Metrics instance of its own', () => {
    const first = spiedMetrics();
    const second = spiedMetrics();

    setClusterDimension(first.metrics, 'orders-db');
    setClusterDimension(second.metrics, 'orders-db');

    expect(dimensionsOf(second.metrics).emf).toMatchObject({
      cluster: 'orders-db',
    });
    expect(warnings(first.warn)).toEqual([]);
    expect(warnings(second.warn)).toEqual([]);
  });

  it('takes a new value when the cluster changes', () => {
    const { metrics } = spiedMetrics();

    setClusterDimension(metrics, 'orders-db');
    setClusterDimension(metrics, 'billing-db');

    expect(dimensionsOf(metrics).emf).toMatchObject({ cluster: 'billing-db' });
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIFECYCLE_BOUND_MS,
  DEFAULT_SNAPSHOT_EVERY,
  readSettings,
} from '../src/index.js';
import { envOf, rawConfig } from './fixtures.js';

const pathsOf = (env: Record<string, string | undefined>) =>
  readSettings(env)
    ._unsafeUnwrapErr()
    .problems.map((p) => p.path);

describe('readSettings', () => {
  it('reads the cluster, the local region and the default bound', () => {
    // act
    const settings = readSettings(envOf('eu-west-1'))._unsafeUnwrap();

    // assert
    expect(settings.region).toBe('eu-west-1');
    expect(settings.config.cluster).toBe('orders-db');
    expect(settings.config.marker.description).toBe('sgsync:orders-db');
    expect(settings.lifecycleBoundMs).toBe(DEFAULT_LIFECYCLE_BOUND_MS);
  });

  it('reads the lifecycle bound', () => {
    const settings = readSettings({
      ...envOf(),
      SGSYNC_LIFECYCLE_BOUND_MS: '8000',
    });

    expect(settings._unsafeUnwrap().lifecycleBoundMs).toBe(8000);
  });

  it('reads the snapshot interval, 100 by default and 0 for none', () => {
    // act
    const byDefault = readSettings(envOf())._unsafeUnwrap();
    const off = readSettings({ ...envOf(), SGSYNC_SNAPSHOT_EVERY: '0' });

    // assert
    expect(byDefault.snapshotEvery).toBe(DEFAULT_SNAPSHOT_EVERY);
    expect(off._unsafeUnwrap().snapshotEvery).toBe(0);
  });

  it('refuses a snapshot interval that is not a whole number of events', () => {
    for (const value of ['-1', '2.5', 'often']) {
      expect(
        pathsOf({
          ...envOf(),
          SGSYNC_SNAPSHOT_EVERY: value,
          SGSYNC_LIFECYCLE_BOUND_MS: '5',
        }),
      ).toEqual(['SGSYNC_LIFECYCLE_BOUND_MS', 'SGSYNC_SNAPSHOT_EVERY']);
    }
  });

  it('lists every problem of every variable in one error', () => {
    // arrange
    const config = {
      ...rawConfig,
      cluster: 'orders db',
      regions: [{ ...rawConfig.regions[0], securityGroupIds: ['sg-x'] }],
      rules: [{ protocol: 'tcp', fromPort: 9000, toPort: 7000 }],
    };

    // act
    const error = readSettings({
      AWS_REGION: 'us-east-1',
      SGSYNC_CONFIG: JSON.stringify(config),
      SGSYNC_LIFECYCLE_BOUND_MS: 'soon',
    })._unsafeUnwrapErr();

    // assert
    expect(error.kind).toBe('ConfigInvalid');
    expect(error.problems.map((p) => p.path)).toEqual([
      'SGSYNC_CONFIG.cluster',
      'SGSYNC_CONFIG.regions.0.securityGroupIds.0',
      'SGSYNC_CONFIG.rules.0',
      'SGSYNC_LIFECYCLE_BOUND_MS',
    ]);
    expect(error.message).toContain('4 problem(s)');
  });

  it('reports a cross-check of the configuration with its path', () => {
    const config = {
      ...rawConfig,
      rules: [{ protocol: 'tcp', fromPort: 9000, toPort: 7000 }],
    };

    expect(pathsOf(envOf('us-east-1', config))).toEqual([
      'SGSYNC_CONFIG.rules.0',
    ]);
  });

  it('reports a missing configuration and a missing region together', () => {
    expect(pathsOf({})).toEqual(['SGSYNC_CONFIG', 'AWS_REGION']);
  });

  it('reports a configuration that is not JSON', () => {
    const error = readSettings({
      AWS_REGION: 'us-east-1',
      SGSYNC_CONFIG: '{cluster: orders-db}',
    })._unsafeUnwrapErr();

    expect(error.problems[0]?.reason).toMatch(/^is not JSON/);
  });

  it('reports a region that is not in the cluster', () => {
    expect(pathsOf(envOf('ap-south-1'))).toEqual(['AWS_REGION']);
  });

  it.each(['999', '600001', '1.5', '-1'])(
    'refuses the lifecycle bound %s',
    (bound) => {
      expect(pathsOf({ ...envOf(), SGSYNC_LIFECYCLE_BOUND_MS: bound })).toEqual(
        ['SGSYNC_LIFECYCLE_BOUND_MS'],
      );
    },
  );
});

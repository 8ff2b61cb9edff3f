import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from './config.js';
import { rawClusterConfigArb } from './testing/arbitraries.js';

const region = (name: string, n: number) => ({
  name,
  asgNames: [`db-${n}`],
  securityGroupIds: [`sg-0000000${n}`],
  eventTable: 'sgsync-events',
});

const valid = {
  cluster: 'orders-db',
  regions: [region('us-east-1', 1), region('eu-west-1', 2)],
  rules: [{ protocol: 'tcp', fromPort: 7000, toPort: 7001 }],
};

describe('parseClusterConfig', () => {
  it('accepts a valid config and fills the defaults', () => {
    // act
    const config = parseClusterConfig(valid)._unsafeUnwrap();

    // assert
    expect(config.addressKind).toBe('public-ipv4');
    expect(config.quota.rulesPerGroup).toBe(60);
    expect(config.marker).toEqual({
      description: 'sgsync:orders-db',
      tagKey: 'sgsync:cluster',
      tagValue: 'orders-db',
    });
    expect(config.regions[0]?.eventBus).toBe('default');
  });

  it('parses its own output again to the same config', () => {
    fc.assert(
      fc.property(rawClusterConfigArb(), (raw) => {
        // arrange
        const once = parseClusterConfig(raw)._unsafeUnwrap();

        // act
        const again = parseClusterConfig(JSON.parse(JSON.stringify(once)));

        // assert
        expect(again._unsafeUnwrap()).toEqual(once);
      }),
    );
  });

  it('lists every problem with its path, not only the first', () => {
    // arrange
    const input = {
      ...valid,
      cluster: 'bad name!',
      regions: [{ ...region('us-east-1', 1), securityGroupIds: ['nope'] }],
      rules: [{ protocol: 'sctp', fromPort: 1, toPort: 2 }],
      addressKind: 'carrier-pigeon',
    };

    // act
    const error = parseClusterConfig(input)._unsafeUnwrapErr();

    // assert
    expect(error.kind).toBe('ConfigInvalid');
    expect(error.problems.map((p) => p.path).sort()).toEqual([
      'addressKind',
      'cluster',
      'regions.0.securityGroupIds.0',
      'rules.0.protocol',
    ]);
  });

  it('refuses a config without regions', () => {
    const error = parseClusterConfig({ ...valid, regions: [] });

    expect(error._unsafeUnwrapErr().problems[0]?.path).toBe('regions');
  });

  it('refuses a region, a target, or a group twice in one region', () => {
    // arrange
    const twice = region('us-east-1', 1);
    const doubled = { ...twice, asgNames: ['db-1', 'db-1'] };

    // act
    const error = parseClusterConfig({
      ...valid,
      regions: [doubled, { ...twice }],
    })._unsafeUnwrapErr();

    // assert
    expect(error.problems.map((p) => p.path)).toEqual([
      'regions.1.name',
      'regions.0.asgNames.1',
      'regions.1.securityGroupIds.0',
    ]);
  });

  it('takes the same group name in two regions', () => {
    const config = parseClusterConfig({
      ...valid,
      regions: [
        region('us-east-1', 1),
        { ...region('eu-west-1', 2), asgNames: ['db-1'] },
      ],
    });

    expect(config.isOk()).toBe(true);
  });

  it('refuses ports out of order or out of range', () => {
    // act
    const error = parseClusterConfig({
      ...valid,
      rules: [
        { protocol: 'tcp', fromPort: 9000, toPort: 8000 },
        { protocol: 'udp', fromPort: 1, toPort: 70000 },
        { protocol: 'tcp' },
      ],
    })._unsafeUnwrapErr();

    // assert
    expect(error.problems.map((p) => p.path)).toEqual([
      'rules.1.toPort',
      'rules.0',
      'rules.2',
    ]);
  });

  it('takes all protocols without ports, and icmp types', () => {
    // act
    const config = parseClusterConfig({
      ...valid,
      rules: [
        { protocol: 'all' },
        { protocol: 'icmp', fromPort: 8, toPort: -1 },
      ],
    })._unsafeUnwrap();

    // assert
    expect(config.rules).toEqual([
      { protocol: 'all', fromPort: -1, toPort: -1 },
      { protocol: 'icmp', fromPort: 8, toPort: -1 },
    ]);
  });

  it('refuses icmp for IPv6 addresses, which need ICMPv6', () => {
    const error = parseClusterConfig({
      ...valid,
      addressKind: 'ipv6',
      rules: [{ protocol: 'icmp', fromPort: -1, toPort: -1 }],
    })._unsafeUnwrapErr();

    expect(error.problems.map((p) => p.path)).toEqual(['rules.0.protocol']);
  });

  it('refuses a marker description AWS would refuse or could trim', () => {
    for (const description of ['sgsync <managed>', 'sgsync ', ' sgsync']) {
      const error = parseClusterConfig({
        ...valid,
        marker: { description },
      })._unsafeUnwrapErr();

      expect(error.problems[0]?.path).toBe('marker.description');
    }
  });

  it('refuses unknown keys, which are usually typos', () => {
    const error = parseClusterConfig({ ...valid, region: [] });

    expect(error._unsafeUnwrapErr().problems[0]?.reason).toMatch(/region/);
  });
});

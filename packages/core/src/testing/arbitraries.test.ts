import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalCidr, isSingleAddress, memberCidr } from '../addresses.js';
import { parseClusterConfig } from '../config.js';
import { isManaged } from '../rules.js';
import {
  actualRuleArb,
  clusterConfigArb,
  ipv6Arb,
  markerArb,
  observedInstanceArb,
  rawClusterConfigArb,
  ruleArb,
} from './arbitraries.js';

const marker = {
  description: 'sgsync:prop',
  tagKey: 'sgsync:cluster',
  tagValue: 'prop',
};

describe('arbitraries', () => {
  it('draws raw configurations that parse', () => {
    fc.assert(
      fc.property(rawClusterConfigArb(), (raw) => {
        expect(parseClusterConfig(raw).isOk()).toBe(true);
      }),
    );
  });

  it('draws parsed configurations with unique security groups', () => {
    fc.assert(
      fc.property(clusterConfigArb(), (config) => {
        const ids = config.regions.flatMap((r) => r.securityGroupIds);
        expect(new Set(ids).size).toBe(ids.length);
      }),
    );
  });

  it('draws IPv6 addresses in canonical form', () => {
    fc.assert(
      fc.property(ipv6Arb(), (ip) => {
        expect(canonicalCidr(`${ip}/128`)).toBe(`${ip}/128`);
      }),
    );
  });

  it('draws rules for exactly one address', () => {
    fc.assert(
      fc.property(ruleArb(), (rule) => {
        expect(isSingleAddress(rule.cidr)).toBe(true);
        expect(canonicalCidr(rule.cidr)).toBe(rule.cidr);
      }),
    );
  });

  it('marks an instance pending exactly when its address is missing', () => {
    fc.assert(
      fc.property(observedInstanceArb({ addressKind: 'ipv6' }), (i) => {
        expect(i.addressPending).toBe(
          memberCidr(i.addresses, 'ipv6') === undefined,
        );
      }),
    );
  });

  it('draws managed and unmanaged rules as asked', () => {
    fc.assert(
      fc.property(
        actualRuleArb({ marker, managed: true }),
        actualRuleArb({ marker, managed: false }),
        (own, foreign) => {
          expect(isManaged(own, marker)).toBe(true);
          expect(isManaged(foreign, marker)).toBe(false);
        },
      ),
    );
  });

  it('draws markers whose description the configuration accepts', () => {
    fc.assert(
      fc.property(markerArb(), rawClusterConfigArb(), (m, raw) => {
        const parsed = parseClusterConfig({
          ...raw,
          marker: { description: m.description },
        });
        expect(parsed.isOk()).toBe(true);
      }),
    );
  });
});

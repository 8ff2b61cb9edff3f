import { parseClusterConfig } from '@sgsync/core';
import {
  clusterConfigArb,
  rawClusterConfigArb,
  ruleArb,
} from '@sgsync/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('@sgsync/core/testing, as a user imports it', () => {
  it('ships the arbitraries of the domain', () => {
    fc.assert(
      fc.property(rawClusterConfigArb(), ruleArb(), (raw, rule) => {
        expect(parseClusterConfig(raw).isOk()).toBe(true);
        expect(rule.cidr).toMatch(/\/(32|128)$/);
      }),
      { numRuns: 20 },
    );
    expect(fc.sample(clusterConfigArb(), 1)).toHaveLength(1);
  });
});

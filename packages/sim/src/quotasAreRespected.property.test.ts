import { describe, it } from 'vitest';
import {
  DEFAULT_MAX_STEPS,
  PROPERTY_SUITES,
  historiesPerSuite,
  replayFrom,
} from './budget.js';
import { assertSimulation } from './property.js';

const runs = historiesPerSuite(130, PROPERTY_SUITES, process.env);

describe('invariant 8', () => {
  it(
    'never holds more rules than the quota, and refuses before the cloud does',
    async () => {
      await assertSimulation({
        faults: ['operator', 'direct', 'halfway', 'concurrent', 'late-address'],
        maxSteps: DEFAULT_MAX_STEPS,
        quota: 6,
        runs,
        ...replayFrom(process.env),
      });
    },
    60_000 + runs * 200,
  );
});

import { describe, it } from 'vitest';
import {
  DEFAULT_MAX_STEPS,
  PROPERTY_SUITES,
  historiesPerSuite,
  replayFrom,
} from './budget.js';
import { assertSimulation } from './property.js';

const runs = historiesPerSuite(130, PROPERTY_SUITES, process.env);

describe('invariant 4', () => {
  it(
    'creates only /32 and /128 rules, never 0.0.0.0/0 or ::/0',
    async () => {
      await assertSimulation({
        faults: ['operator', 'late-address', 'direct', 'halfway', 'concurrent'],
        maxSteps: DEFAULT_MAX_STEPS,

        runs,
        ...replayFrom(process.env),
      });
    },
    60_000 + runs * 200,
  );
});

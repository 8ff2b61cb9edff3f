import { describe, it } from 'vitest';
import {
  DEFAULT_MAX_STEPS,
  PROPERTY_SUITES,
  historiesPerSuite,
  replayFrom,
} from './budget.js';
import { assertSimulation } from './property.js';

const runs = historiesPerSuite(130, PROPERTY_SUITES, process.env);

describe('invariant 3', () => {
  it(
    "never revokes or changes an operator's rule",
    async () => {
      await assertSimulation({
        faults: [
          'operator',
          'halfway',
          'throttle',
          'concurrent',
          'unreachable',
          'direct',
        ],
        maxSteps: DEFAULT_MAX_STEPS,

        runs,
        ...replayFrom(process.env),
      });
    },
    60_000 + runs * 200,
  );
});

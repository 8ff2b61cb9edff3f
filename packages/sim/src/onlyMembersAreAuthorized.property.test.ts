import { describe, it } from 'vitest';
import {
  DEFAULT_MAX_STEPS,
  PROPERTY_SUITES,
  historiesPerSuite,
  replayFrom,
} from './budget.js';
import { assertSimulation } from './property.js';

const runs = historiesPerSuite(130, PROPERTY_SUITES, process.env);

describe('invariant 1', () => {
  it(
    'authorizes only addresses of instances that were members',
    async () => {
      await assertSimulation({
        faults: [
          'direct',
          'late-address',
          'loss',
          'reorder',
          'duplicate',
          'concurrent',
          'operator',
        ],
        maxSteps: DEFAULT_MAX_STEPS,

        runs,
        ...replayFrom(process.env),
      });
    },
    60_000 + runs * 200,
  );
});

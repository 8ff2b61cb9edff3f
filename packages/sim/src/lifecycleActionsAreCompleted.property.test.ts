import { describe, it } from 'vitest';
import {
  DEFAULT_MAX_STEPS,
  PROPERTY_SUITES,
  historiesPerSuite,
  replayFrom,
} from './budget.js';
import { assertSimulation } from './property.js';

const runs = historiesPerSuite(130, PROPERTY_SUITES, process.env);

describe('invariant 5', () => {
  it(
    'completes every lifecycle action it receives',
    async () => {
      await assertSimulation({
        faults: [
          'throttle',
          'unreachable',
          'loss',
          'retry',
          'duplicate',
          'concurrent',
          'direct',
          'reorder',
        ],
        maxSteps: DEFAULT_MAX_STEPS,

        runs,
        ...replayFrom(process.env),
      });
    },
    60_000 + runs * 200,
  );
});

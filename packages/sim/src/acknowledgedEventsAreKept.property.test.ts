import { describe, it } from 'vitest';
import {
  DEFAULT_MAX_STEPS,
  PROPERTY_SUITES,
  historiesPerSuite,
  replayFrom,
} from './budget.js';
import { assertSimulation } from './property.js';

const runs = historiesPerSuite(130, PROPERTY_SUITES, process.env);

describe('invariant 6', () => {
  it(
    'never loses an acknowledged event, and replays a stream the same way',
    async () => {
      await assertSimulation({
        faults: [
          'unreachable',
          'throttle',
          'concurrent',
          'retry',
          'halfway',
          'duplicate',
        ],
        maxSteps: DEFAULT_MAX_STEPS,

        runs,
        ...replayFrom(process.env),
      });
    },
    60_000 + runs * 200,
  );
});

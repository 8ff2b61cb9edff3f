import { describe, it } from 'vitest';
import {
  DEFAULT_MAX_STEPS,
  PROPERTY_SUITES,
  historiesPerSuite,
  replayFrom,
} from './budget.js';
import { assertSimulation } from './property.js';

const runs = historiesPerSuite(130, PROPERTY_SUITES, process.env);

describe('invariant 7', () => {
  it(
    'records nothing more for duplicated, reordered or replayed inputs',
    async () => {
      await assertSimulation({
        faults: [
          'duplicate',
          'reorder',
          'concurrent',
          'retry',
          'loss',
          'late-address',
        ],
        maxSteps: DEFAULT_MAX_STEPS,

        runs,
        ...replayFrom(process.env),
      });
    },
    60_000 + runs * 200,
  );
});

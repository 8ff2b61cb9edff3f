import { describe, it } from 'vitest';
import {
  DEFAULT_MAX_STEPS,
  PROPERTY_SUITES,
  historiesPerSuite,
  replayFrom,
} from './budget.js';
import { assertSimulation } from './property.js';
import { FAULT_KINDS } from './steps.js';

const runs = historiesPerSuite(130, PROPERTY_SUITES, process.env);

describe('invariant 2', () => {
  it(
    'converges after the faults heal and one true-up per region',
    async () => {
      await assertSimulation({
        faults: FAULT_KINDS,
        maxSteps: DEFAULT_MAX_STEPS,

        runs,
        ...replayFrom(process.env),
      });
    },
    60_000 + runs * 200,
  );
});

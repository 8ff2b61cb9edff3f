/**
 * Run in a fresh process with --expose-gc: builds one plan case, then
 * reports the heap one computation allocates (the collector held off by
 * a young generation larger than the work) and what stays after it.
 *
 *   node --expose-gc --max-semi-space-size=512 --import tsx planMemory.ts 1000
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { planCase, planOnce } from './planInputs.js';

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with --expose-gc');
  collect();
  collect();
};

const rules = Number(process.argv[2] ?? '1000');
const input = planCase(rules);
let collections = 0;
const observer = new PerformanceObserver((list) => {
  collections += list.getEntries().length;
});

gc();
observer.observe({ entryTypes: ['gc'] });
const before = process.memoryUsage().heapUsed;
const plan = planOnce(input);
const allocated = process.memoryUsage().heapUsed - before;
await new Promise((resolve) => setImmediate(resolve));
observer.disconnect();
gc();
const retained = process.memoryUsage().heapUsed - before;

process.stdout.write(
  `${JSON.stringify({
    rules,
    allocated,
    retained,
    collections,
    planned: plan.authorize.length + plan.revoke.length,
  })}\n`,
);

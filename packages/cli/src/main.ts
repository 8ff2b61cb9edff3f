#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { runDemo } from './demo.js';
import { readClusterConfig, runPlan } from './plan.js';
import { parseSimulateOptions, runSimulate } from './simulate.js';

/* The command line is the edge where output goes to the terminal. */
/* eslint-disable no-console */
const print = (line: string): void => console.log(line);

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('sgsync')
  .description(
    'Keeps security groups in several AWS regions open to exactly the ' +
      'instances of one cluster.',
  )
  .showHelpAfterError()
  .exitOverride();

program
  .command('demo')
  .description(
    'Run two regions in memory through scaling, a duplicate event, an ' +
      'operator rule, an unreachable region and a true-up.',
  )
  .action(async () => {
    const outcome = await runDemo(print);
    process.exitCode = outcome.converged ? 0 : 1;
  });

program
  .command('simulate')
  .description(
    'Play random histories of one cluster in memory, with faults, and ' +
      'check every invariant of the design after each step.',
  )
  .option('--regions <n>', 'regions of the cluster, 2 to 5', '3')
  .option('--steps <k>', 'steps of each history, 1 to 1000', '40')
  .option('--runs <r>', 'histories to play, 1 to 100000', '1')
  .option('--seed <s>', 'seed to replay (default: a new one)')
  .option(
    '--faults <kinds>',
    'fault kinds, comma-separated, or all or none: unreachable, ' +
      'throttle, halfway, duplicate, reorder, loss, late-address, ' +
      'operator, concurrent, direct, retry',
    'all',
  )
  .action(async (raw: Record<string, string | undefined>) => {
    const options = parseSimulateOptions(raw);
    if (options.isErr()) {
      for (const problem of options.error) console.error(problem);
      process.exitCode = 2;
      return;
    }

    const outcome = await runSimulate(options.value, print);
    process.exitCode = outcome.passed ? 0 : 1;
  });

program
  .command('plan')
  .description(
    'Print the plan of every security group of the cluster, from each ' +
      "region's event table and the groups as they are; change nothing.",
  )
  .requiredOption('--config <file>', 'the cluster configuration (JSON)')
  .option(
    '--region <name...>',
    'regions to plan (default: every region of the cluster)',
  )
  .option('--json', 'one canonical JSON plan a line', false)
  .option('--endpoint <url>', 'send AWS calls here (an emulator)')
  .action(async (raw: RawPlanOptions) => {
    const config = await readClusterConfig(raw.config);
    if (config.isErr()) {
      for (const problem of config.error) console.error(problem);
      process.exitCode = 2;
      return;
    }

    const outcome = await runPlan(
      config.value,
      {
        config: raw.config,
        regions: raw.region ?? [],
        json: raw.json,
        ...(raw.endpoint === undefined ? {} : { endpoint: raw.endpoint }),
      },
      print,
    );
    process.exitCode = outcome.usage ? 2 : outcome.planned ? 0 : 1;
  });

interface RawPlanOptions {
  readonly config: string;
  readonly region?: string[];
  readonly json: boolean;
  readonly endpoint?: string;
}

/** Wrong usage (an unknown option, a missing one) exits 2; help exits 0. */
const USAGE_EXIT = 2;

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : USAGE_EXIT;
}

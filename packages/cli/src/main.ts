#!/usr/bin/env node
import { Command } from 'commander';
import { runDemo } from './demo.js';

/* The command line is the edge where output goes to the terminal. */
/* eslint-disable no-console */
const print = (line: string): void => console.log(line);

const program = new Command('sgsync')
  .description(
    'Keeps security groups in several AWS regions open to exactly the ' +
      'instances of one cluster.',
  )
  .showHelpAfterError();

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

await program.parseAsync(process.argv);

/**
 * `pnpm bench`: measures what an event costs in AWS calls, how fast and
 * how large plans are, how long a view takes to rebuild with and without
 * snapshots, and the Lambda bundle's size and cold start; prints the
 * tables and writes them to docs/benchmarks.md with the machine they
 * were measured on. The moto part runs when SGSYNC_MOTO_ENDPOINT is set.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSection } from './bundle.js';
import { callsSection } from './callsSection.js';
import { machineLines, thisMachine } from './machine.js';
import { planSection } from './planBench.js';
import { rebuildSection } from './rebuild.js';
import { markdownSection, printSection, say, type Section } from './report.js';

const DOC = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'docs',
  'benchmarks.md',
);

const HOW_TO_READ = [
  'How to read them: call counts are exact and do not depend on the ' +
    'machine; times and sizes do. Compare times within a table (growth ' +
    'factors and ratios), not across machines. Nothing here is asserted ' +
    'by a test: the figures are measured and printed.',
];

const run = async (
  title: string,
  sections: Section[],
  make: () => Promise<Section>,
): Promise<void> => {
  say(`\nmeasuring: ${title} ...`);
  const section = await make();
  printSection(section);
  sections.push(section);
};

const main = async (): Promise<void> => {
  const machine = thisMachine();
  const moto = process.env['SGSYNC_MOTO_ENDPOINT'];
  if (!moto) {
    say('SGSYNC_MOTO_ENDPOINT is not set: the moto call counts are skipped.');
  }
  const sections: Section[] = [];
  await run('AWS calls', sections, () => callsSection(moto));
  await run('plan computation', sections, planSection);
  await run('view rebuilds', sections, rebuildSection);
  await run('Lambda bundle', sections, bundleSection);

  await writeFile(DOC, document(machineLines(machine), sections));
  say(`\nwritten to ${DOC}`);
};

const document = (machine: string[], sections: Section[]): string =>
  [
    '# Benchmarks',
    'Written by `pnpm bench` (`bash scripts/with-moto.sh pnpm bench` to ' +
      'count calls on moto too); do not edit by hand. Measured on:',
    machine.join('\n'),
    ...HOW_TO_READ,
    ...sections.map(markdownSection),
  ].join('\n\n') + '\n';

await main();

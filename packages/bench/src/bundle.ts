import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { unzipSync } from 'fflate';
import {
  median,
  ms,
  ratio,
  size,
  type FigureTable,
  type Section,
} from './report.js';
import { benchConfig } from './scenario.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const LAMBDA = join(ROOT, 'packages', 'lambda-entry');
const ZIP = join(LAMBDA, 'build', 'sgsync-lambda.zip');

/** Fresh processes per bundle; the median is reported. */
const RUNS = 15;

/**
 * A handler with nothing but the SDK clients sgsync uses, one of each
 * for each region of the cluster, built when the module loads.
 */
const BARE_HANDLER = `
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

const regions = JSON.parse(process.env.SGSYNC_CONFIG).regions.map((r) => r.name);
const clients = regions.map((region) => [
  new EC2Client({ region }),
  new AutoScalingClient({ region }),
  new DynamoDBClient({ region }),
  new EventBridgeClient({ region }),
]);

export const handler = async () => clients.length;
`;

/** Loads a bundle in a fresh process; prints the milliseconds it took. */
const PROBE = `
const start = performance.now();
const loaded = require(process.argv[1]);
const took = performance.now() - start;
if (typeof loaded.handler !== 'function') throw new Error('no handler');
process.stdout.write(String(took));
`;

const lambdaZip = (): Buffer => {
  if (!existsSync(ZIP)) {
    execFileSync('pnpm', ['--filter', '@sgsync/lambda-entry', 'package'], {
      cwd: ROOT,
      stdio: 'ignore',
    });
  }

  return readFileSync(ZIP);
};

const unzipTo = async (zip: Buffer, dir: string): Promise<string> => {
  const files = unzipSync(new Uint8Array(zip));
  for (const [name, data] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), data);
  }

  return join(dir, 'index.js');
};

/** Bundles the bare handler with the lambda's esbuild settings. */
const bareBundle = async (dir: string): Promise<string> => {
  const source = join(dir, 'bare.mjs');
  const outfile = join(dir, 'bare', 'index.js');
  await writeFile(source, BARE_HANDLER);
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'error',
    // The SDK clients are dependencies of this package.
    nodePaths: [join(ROOT, 'packages', 'bench', 'node_modules')],
  });

  return outfile;
};

const environment = (): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'] ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_LAMBDA_LOG_LEVEL: 'ERROR',
  SGSYNC_CONFIG: JSON.stringify(configDocument()),
});

const configDocument = () => {
  const config = benchConfig({ regions: 2, rulesPerGroup: 60 });

  return {
    cluster: config.cluster,
    regions: config.regions,
    rules: config.rules,
  };
};

const coldInit = (file: string): number[] =>
  Array.from({ length: RUNS }, () =>
    Number(
      execFileSync(process.execPath, ['-e', PROBE, file], {
        env: environment(),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ),
  );

interface BundleFigure {
  readonly name: string;
  readonly zipped?: number;
  readonly unzipped: number;
  readonly initMs: number;
}

const table = (sgsync: BundleFigure, bare: BundleFigure): FigureTable => ({
  title: `Lambda bundle, cold initialisation (median of ${RUNS} processes)`,
  head: ['bundle', 'zip', 'unzipped', 'cold init (ms)', 'ratio to bare'],
  rows: [sgsync, bare].map((b) => [
    b.name,
    b.zipped === undefined ? '-' : size(b.zipped),
    size(b.unzipped),
    ms(b.initMs),
    ratio(b.initMs / bare.initMs),
  ]),
});

/** The Lambda bundle section: its size and its cold start. */
export const bundleSection = async (): Promise<Section> => {
  const dir = await mkdtemp(join(tmpdir(), 'sgsync-bench-'));
  try {
    const zip = lambdaZip();
    const entry = await unzipTo(zip, join(dir, 'sgsync'));
    const bare = await bareBundle(dir);
    const sgsync: BundleFigure = {
      name: 'sgsync-lambda.zip (index.js)',
      zipped: zip.length,
      unzipped: statSync(entry).size,
      initMs: median(coldInit(entry)),
    };
    const bareFigure: BundleFigure = {
      name: 'bare handler, same four SDK clients',
      unzipped: statSync(bare).size,
      initMs: median(coldInit(bare)),
    };

    return section(sgsync, bareFigure);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

const section = (sgsync: BundleFigure, bare: BundleFigure): Section => ({
  title: 'Lambda bundle',
  intro: [
    'The bundle is what `pnpm --filter @sgsync/lambda-entry package` ' +
      'builds (built by the benchmark when it is missing). Cold ' +
      'initialisation is the time a fresh `node` process takes to load ' +
      'the unzipped bundle: the module graph, reading the configuration ' +
      'from the environment, and building the SDK clients of every region ' +
      'of a two-region cluster. The bare handler is bundled by esbuild with ' +
      'the same settings and builds the same four clients for the same two ' +
      'regions, and nothing else.',
  ],
  tables: [table(sgsync, bare)],
  notes: [
    'Process start-up is not included; on Lambda the runtime adds its own. ' +
      'The ratio is what sgsync costs on top of the SDK it needs anyway.',
  ],
});

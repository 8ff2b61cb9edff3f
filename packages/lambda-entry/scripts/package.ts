/**
 * Bundles the Lambda handler into one minified CommonJS file for the
 * Node.js runtime on Lambda, with every dependency inside (the AWS SDK
 * too, so that the function runs the SDK version this repository pins,
 * not whichever one the runtime ships), and zips it as
 * `build/sgsync-lambda.zip` with the handler at `index.handler`.
 *
 *   pnpm package
 */
import { build } from 'esbuild';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZipFile } from 'yazl';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const bundle = join(buildDir, 'bundle', 'index.js');
const zipPath = join(buildDir, 'sgsync-lambda.zip');

/** A fixed date for every zip entry, so that the same code zips alike. */
const ZIP_DATE = new Date('2020-01-01T00:00:00Z');

const bundleHandler = async (): Promise<void> => {
  await build({
    entryPoints: [join(root, 'src', 'lambda.ts')],
    outfile: bundle,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    legalComments: 'linked',
    logLevel: 'warning',
  });
};

const zipBundle = async (): Promise<void> => {
  const zip = new ZipFile();
  zip.addBuffer(await readFile(bundle), 'index.js', { mtime: ZIP_DATE });
  zip.addBuffer(await readFile(`${bundle}.LEGAL.txt`), 'index.js.LEGAL.txt', {
    mtime: ZIP_DATE,
  });
  const written = new Promise<void>((resolve, reject) => {
    const out = createWriteStream(zipPath);
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.pipe(out);
  });
  zip.end();
  await written;
};

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

const main = async (): Promise<void> => {
  await rm(buildDir, { recursive: true, force: true });
  await mkdir(join(buildDir, 'bundle'), { recursive: true });
  await bundleHandler();
  await zipBundle();
  const [bundled, zipped] = await Promise.all([stat(bundle), stat(zipPath)]);
  process.stdout.write(
    `${zipPath}: ${kib(zipped.size)} (${zipped.size} bytes; ` +
      `index.js ${kib(bundled.size)} unzipped)\n`,
  );
};

await main();

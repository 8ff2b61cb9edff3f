import { createServer } from 'node:net';
import type { AwsClientOptions } from '@sgsync/aws-adapters';

// The moto tests sign with fake credentials: moto accepts any, and the
// SDK's default chain reads them from the environment.
process.env['AWS_ACCESS_KEY_ID'] = 'testing';
process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
process.env['AWS_SESSION_TOKEN'] = 'testing';
delete process.env['AWS_PROFILE'];

/**
 * The moto server's address. The aws tests need one: run them through
 * `bash scripts/with-moto.sh`, which starts moto and sets it.
 */
export const motoEndpoint = (): string => {
  const endpoint = process.env['SGSYNC_MOTO_ENDPOINT'];
  if (!endpoint) {
    throw new Error(
      'SGSYNC_MOTO_ENDPOINT is not set: the *.aws.test.ts tests run ' +
        'against moto_server. Run them with `bash scripts/with-moto.sh ' +
        'pnpm exec vitest run --project aws`, or set SGSYNC_MOTO_ENDPOINT ' +
        'to a running moto server.',
    );
  }

  return endpoint;
};

// Checked on import, so that every aws test file fails (rather than having
// its tests reported as skipped) when no moto server was given.
motoEndpoint();

/** Client settings for moto: its endpoint, short timeouts, few retries. */
export const motoOptions = (
  overrides: Partial<AwsClientOptions> = {},
): AwsClientOptions => ({
  endpoint: motoEndpoint(),
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 10_000,
  maxAttempts: 2,
  retryMode: 'standard',
  ...overrides,
});

let counter = 0;

/** A name no other test uses: prefix, process, time and a counter. */
export const uniqueName = (prefix: string): string => {
  counter += 1;

  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
};

/** Forgets every resource moto holds (POST /moto-api/reset). */
export const resetMoto = async (): Promise<void> => {
  const response = await fetch(`${motoEndpoint()}/moto-api/reset`, {
    method: 'POST',
  });
  if (!response.ok) throw new Error(`moto reset: ${response.status}`);
};

/** A loopback port nothing listens on: connections to it are refused. */
export const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

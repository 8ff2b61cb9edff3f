import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// moto accepts any credentials; the SDK's default chain reads these.
process.env['AWS_ACCESS_KEY_ID'] = 'testing';
process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
delete process.env['AWS_PROFILE'];

/** The moto server that `scripts/with-moto.sh` started. */
export const firstEndpoint = (): string => {
  const endpoint = process.env['SGSYNC_MOTO_ENDPOINT'];
  if (!endpoint) {
    throw new Error(
      'SGSYNC_MOTO_ENDPOINT is not set: run this file with ' +
        '`bash scripts/with-moto.sh pnpm exec vitest run --project aws ' +
        'packages/sim`.',
    );
  }

  return endpoint;
};

// Checked on import, so that the file fails (rather than being reported
// as skipped) when no moto server was given.
firstEndpoint();

const motoBinary = (): string => {
  const root =
    process.env['PYENV_ROOT'] ?? join(process.env['HOME'] ?? '', '.pyenv');
  const versions = join(root, 'versions');
  const found = existsSync(versions)
    ? readdirSync(versions)
        .map((v) => join(versions, v, 'bin', 'moto_server'))
        .find((path) => existsSync(path))
    : undefined;

  return found ?? 'moto_server';
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const answers = async (endpoint: string): Promise<boolean> =>
  fetch(`${endpoint}/moto-api/`).then(
    (r) => r.ok,
    () => false,
  );

/**
 * A second moto server on loopback, for a second region, that a test
 * starts, pauses (SIGSTOP: connections hang, as to a region that does
 * not answer), resumes (SIGCONT, its state intact) and stops, always by
 * its process id.
 */
export class MotoServer {
  readonly endpoint: string;
  private readonly child: ChildProcess;
  private paused = false;

  private constructor(endpoint: string, child: ChildProcess) {
    this.endpoint = endpoint;
    this.child = child;
  }

  /** Starts a server on a free port and waits until it answers. */
  static async start(): Promise<MotoServer> {
    const port = await freePort();
    const child = spawn(motoBinary(), ['-H', '127.0.0.1', '-p', `${port}`], {
      stdio: 'ignore',
    });
    const server = new MotoServer(`http://127.0.0.1:${port}`, child);
    for (let i = 0; i < 300 && !(await answers(server.endpoint)); i += 1) {
      if (child.exitCode !== null) throw new Error('moto_server exited');
      await new Promise((r) => setTimeout(r, 100));
    }

    return server;
  }

  /** Freezes the server: calls to it hang until they time out. */
  pause(): void {
    if (this.child.pid) process.kill(this.child.pid, 'SIGSTOP');
    this.paused = true;
  }

  /** Lets the server go on, with everything it held. */
  resume(): void {
    if (this.child.pid) process.kill(this.child.pid, 'SIGCONT');
    this.paused = false;
  }

  /** True while the server is frozen. */
  isPaused(): boolean {
    return this.paused;
  }

  /** Stops the server (resuming it first, so that it can exit). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.pid) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.resume();
    process.kill(this.child.pid, 'SIGTERM');
    await exited;
  }
}

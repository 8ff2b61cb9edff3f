import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** An entry that the function put on a bus, and the bus's region. */
export interface PutEntry {
  readonly region: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of moto, standing in for what moto
 * lacks and for a region that stops answering:
 * - it answers CompleteLifecycleAction as Auto Scaling does, for the
 *   actions a test registered, and records each result (moto does not
 *   implement lifecycle actions);
 * - it records every PutEvents entry, so that a test can deliver the
 *   notices to the other region's handler as EventBridge would;
 * - it holds every call to a region a test made hang, unanswered, until
 *   the region heals (the held connections are then closed).
 */
export class MotoProxy {
  readonly completions = new Map<string, string>();
  readonly entries: PutEntry[] = [];
  readonly #pending = new Set<string>();
  readonly #hanging = new Map<string, ServerResponse[]>();
  readonly #server: Server;
  readonly #target: URL;

  private constructor(server: Server, target: string) {
    this.#server = server;
    this.#target = new URL(target);
  }

  /** Starts a proxy to `target` on a free loopback port. */
  static async start(target: string): Promise<MotoProxy> {
    const server = createServer((req, res) => {
      void proxy.handle(req, res);
    });
    const proxy = new MotoProxy(server, target);
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );

    return proxy;
  }

  /** The proxy's address, to use as the SDK endpoint. */
  get endpoint(): string {
    const { port } = this.#server.address() as AddressInfo;

    return `http://127.0.0.1:${port}`;
  }

  /** Registers a lifecycle action that Auto Scaling waits on. */
  addPendingAction(token: string): void {
    this.#pending.add(token);
  }

  /** Holds every call to `region` from now on, unanswered. */
  hang(region: string): void {
    this.#hanging.set(region, []);
  }

  /** Answers `region` again; the calls held so far are cut off. */
  heal(region: string): void {
    this.#hanging.get(region)?.forEach((res) => res.destroy());
    this.#hanging.delete(region);
  }

  /** Takes the entries put on the buses so far. */
  takeEntries(): PutEntry[] {
    return this.entries.splice(0);
  }

  /** Stops the proxy. */
  close(): Promise<void> {
    this.#server.closeAllConnections();

    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const region = regionOf(req);
    const held = this.#hanging.get(region);
    if (held) {
      held.push(res);
      return;
    }

    const text = body.toString('utf8');
    const action = new URLSearchParams(text).get('Action');
    if (action === 'CompleteLifecycleAction') {
      return this.#complete(res, new URLSearchParams(text));
    }
    if (String(req.headers['x-amz-target']).endsWith('.PutEvents')) {
      this.#record(region, text);
    }

    this.#forward(req, res, body);
  }

  #complete(res: ServerResponse, params: URLSearchParams): void {
    const token = params.get('LifecycleActionToken') ?? '';
    if (!this.#pending.delete(token)) {
      return answer(
        res,
        400,
        errorXml(`No active Lifecycle Action found with token ${token}`),
      );
    }

    this.completions.set(token, params.get('LifecycleActionResult') ?? '');
    answer(res, 200, COMPLETED_XML);
  }

  #record(region: string, text: string): void {
    const input = JSON.parse(text) as {
      Entries: { Source: string; DetailType: string; Detail: string }[];
    };
    this.entries.push(
      ...input.Entries.map((e) => ({
        region,
        source: e.Source,
        detailType: e.DetailType,
        detail: JSON.parse(e.Detail) as unknown,
      })),
    );
  }

  #forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const upstream = request(
      {
        host: this.#target.hostname,
        port: this.#target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.#target.host },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => answer(res, 502, ''));
    upstream.end(body);
  }
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);

  return Buffer.concat(chunks);
};

/** The region of a call, from its signature's credential scope. */
const regionOf = (req: IncomingMessage): string => {
  const auth = String(req.headers['authorization'] ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(auth);

  return scope?.[1] ?? '';
};

const answer = (res: ServerResponse, status: number, body: string): void => {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(body);
};

const COMPLETED_XML =
  '<CompleteLifecycleActionResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">' +
  '<CompleteLifecycleActionResult/>' +
  '<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>' +
  '</CompleteLifecycleActionResponse>';

const errorXml = (message: string): string =>
  '<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">' +
  `<Error><Type>Sender</Type><Code>ValidationError</Code><Message>${message}</Message></Error>` +
  '<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>';

import { randomUUID } from 'node:crypto';
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** An error answer the proxy gives instead of forwarding a call. */
export interface ErrorFault {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** A delay before forwarding a call, to make the client time out. */
export interface DelayFault {
  readonly delayMs: number;
}

/** What the proxy does to a call instead of forwarding it at once. */
export type Fault = ErrorFault | DelayFault;

/** One call that reached the proxy: its service and operation. */
export interface SeenCall {
  readonly service: string;
  readonly operation: string;
}

/** A lifecycle action the proxy answers for, as Auto Scaling would. */
export interface ProxyAction {
  readonly token: string;
  readonly instanceId: string;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of moto. It forwards every call,
 * except that it:
 * - answers CompleteLifecycleAction and RecordLifecycleActionHeartbeat
 *   itself, from the actions a test registered, as Auto Scaling does
 *   (moto does not implement them);
 * - answers the next calls of an operation with a fault a test queued
 *   (an error such as Throttling, or a delay that outlasts the client's
 *   timeout).
 */
export class FaultProxy {
  readonly seen: SeenCall[] = [];
  readonly completions = new Map<string, 'CONTINUE' | 'ABANDON'>();
  readonly #pending = new Map<string, ProxyAction>();
  readonly #faults = new Map<string, Fault[]>();
  readonly #server: Server;
  readonly #target: URL;

  private constructor(server: Server, target: string) {
    this.#server = server;
    this.#target = new URL(target);
  }

  /** Starts a proxy to `target` on a free loopback port. */
  static async start(target: string): Promise<FaultProxy> {
    const server = createServer((req, res) => {
      void proxy.handle(req, res);
    });
    const proxy = new FaultProxy(server, target);
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );

    return proxy;
  }

  /** The proxy's address, to use as an SDK endpoint. */
  get endpoint(): string {
    const { port } = this.#server.address() as AddressInfo;

    return `http://127.0.0.1:${port}`;
  }

  /** Answers the next `times` calls of `operation` with `fault`. */
  failNext(operation: string, times: number, fault: Fault): void {
    const queued = this.#faults.get(operation) ?? [];
    this.#faults.set(operation, [...queued, ...Array(times).fill(fault)]);
  }

  /** Registers an action Auto Scaling waits on; returns its token. */
  addPendingAction(instanceId: string): string {
    const token = randomUUID();
    this.#pending.set(token, { token, instanceId });

    return token;
  }

  /** How many calls of an operation reached the proxy (retries too). */
  attempts(operation: string): number {
    return this.seen.filter((c) => c.operation === operation).length;
  }

  /** Stops the proxy. */
  close(): Promise<void> {
    this.#server.closeAllConnections();

    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const call = callOf(req, body);
    this.seen.push(call);

    const fault = this.#faults.get(call.operation)?.shift();
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    if (res.destroyed) return;
    if (fault && 'status' in fault) return answerError(res, call, fault);

    const params = new URLSearchParams(body.toString('utf8'));
    if (call.operation === 'CompleteLifecycleAction') {
      return this.#complete(res, call, params);
    }
    if (call.operation === 'RecordLifecycleActionHeartbeat') {
      return this.#heartbeat(res, call, params);
    }

    this.#forward(req, res, body);
  }

  #complete(res: ServerResponse, call: SeenCall, params: URLSearchParams) {
    const token = params.get('LifecycleActionToken') ?? '';
    if (!this.#pending.delete(token)) return noActiveAction(res, call, token);

    const result = params.get('LifecycleActionResult');
    this.completions.set(token, result === 'ABANDON' ? 'ABANDON' : 'CONTINUE');
    answerOk(res, call.operation);
  }

  #heartbeat(res: ServerResponse, call: SeenCall, params: URLSearchParams) {
    const token = params.get('LifecycleActionToken') ?? '';
    if (!this.#pending.has(token)) return noActiveAction(res, call, token);

    answerOk(res, call.operation);
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
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  }
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);

  return Buffer.concat(chunks);
};

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The service (from the signature's credential scope) and operation (the
 * JSON protocols' target header, or the query protocols' Action) of a
 * call.
 */
const callOf = (req: IncomingMessage, body: Buffer): SeenCall => {
  const auth = String(req.headers['authorization'] ?? '');
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth)?.[1];
  const target = String(req.headers['x-amz-target'] ?? '');
  const action = new URLSearchParams(body.toString('utf8')).get('Action');

  return {
    service: service ?? 'unknown',
    operation: target ? (target.split('.').pop() ?? target) : (action ?? ''),
  };
};

const XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

const answerOk = (res: ServerResponse, operation: string): void => {
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(
    `<${operation}Response xmlns="${XMLNS}"><${operation}Result/>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId>` +
      `</ResponseMetadata></${operation}Response>`,
  );
};

const noActiveAction = (
  res: ServerResponse,
  call: SeenCall,
  token: string,
): void =>
  answerError(res, call, {
    status: 400,
    code: 'ValidationError',
    message: `No active Lifecycle Action found with token ${token}`,
  });

/** An error in the wire format of the call's protocol. */
const answerError = (
  res: ServerResponse,
  call: SeenCall,
  fault: ErrorFault,
): void => {
  const id = randomUUID();
  if (call.service === 'dynamodb' || call.service === 'events') {
    res.writeHead(fault.status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': id,
    });
    res.end(JSON.stringify({ __type: fault.code, message: fault.message }));
    return;
  }

  res.writeHead(fault.status, { 'content-type': 'text/xml' });
  res.end(
    call.service === 'ec2'
      ? `<Response><Errors><Error><Code>${fault.code}</Code><Message>` +
          `${fault.message}</Message></Error></Errors>` +
          `<RequestID>${id}</RequestID></Response>`
      : `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type>` +
          `<Code>${fault.code}</Code><Message>${fault.message}</Message>` +
          `</Error><RequestId>${id}</RequestId></ErrorResponse>`,
  );
};

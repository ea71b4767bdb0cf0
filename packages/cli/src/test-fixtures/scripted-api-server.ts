import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A request as the server received it, its JSON body parsed. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** What a route answers: a status and a JSON or text body. */
export interface ScriptedAnswer {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
}

/** Answers a request, or writes the response itself (an event stream) and returns nothing. */
export type RouteHandler = (request: RecordedRequest, response: ServerResponse) => ScriptedAnswer | undefined;

/**
 * A real HTTP server, on a real Unix socket in a temporary directory (or on TCP), that answers
 * as each test scripts the VMMS REST API to answer, and records every request. Unscripted
 * routes get the API's 404.
 */
export class ScriptedApiServer {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, RouteHandler>();

  private constructor(
    private readonly server: Server,
    /** The temporary directory holding the socket. */
    readonly directory: string,
    /** The socket, when listening on one. */
    readonly socketPath: string | undefined,
  ) {}

  /** Starts a server on `vmms.sock` in a new temporary directory. */
  static async startOnSocket(): Promise<ScriptedApiServer> {
    const directory = await mkdtemp(join(tmpdir(), 'tsvisor-cli-'));
    return ScriptedApiServer.listen(directory, join(directory, 'vmms.sock'));
  }

  /** Starts a server on a free TCP port of 127.0.0.1. */
  static async startOnTcp(): Promise<ScriptedApiServer> {
    return ScriptedApiServer.listen(await mkdtemp(join(tmpdir(), 'tsvisor-cli-')), undefined);
  }

  private static async listen(directory: string, socketPath: string | undefined): Promise<ScriptedApiServer> {
    const server = createServer();
    const scripted = new ScriptedApiServer(server, directory, socketPath);
    server.on('request', (incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const request = { method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers, body: text === '' ? undefined : JSON.parse(text) };
        scripted.requests.push(request);
        const handler = scripted.routes.get(`${request.method} ${request.url}`);
        const answer = handler === undefined ? notFound(request) : handler(request, response);
        if (answer === undefined) return;
        if (answer.text !== undefined) {
          response.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' }).end(answer.text);
        } else {
          response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
        }
      });
    });
    await new Promise<void>((resolve) => (socketPath === undefined ? server.listen(0, '127.0.0.1', resolve) : server.listen(socketPath, resolve)));
    return scripted;
  }

  /** The TCP port, when listening on TCP. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The `--host` address of this server. */
  get address(): string {
    return this.socketPath === undefined ? `http://127.0.0.1:${this.port}` : `unix:${this.socketPath}`;
  }

  /** Scripts the answer to `method path` (path with its query, as the client sends it). */
  on(method: string, path: string, handler: RouteHandler | ScriptedAnswer): this {
    this.routes.set(`${method} ${path}`, typeof handler === 'function' ? handler : () => handler);
    return this;
  }

  /** Scripts a sequence of answers to `method path`: one per request, the last one repeated. */
  onEach(method: string, path: string, answers: readonly ScriptedAnswer[]): this {
    let next = 0;
    return this.on(method, path, () => answers[Math.min(next++, answers.length - 1)]!);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.directory, { recursive: true, force: true });
  }
}

function notFound(request: RecordedRequest): ScriptedAnswer {
  return { status: 404, json: { error: { code: 'not-found', message: `no route ${request.method} ${request.url}` } } };
}

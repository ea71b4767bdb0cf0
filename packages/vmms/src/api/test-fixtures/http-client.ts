import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

/** Where a test request goes: a Unix socket, or a TCP port of 127.0.0.1. */
export type Endpoint = { readonly socketPath: string } | { readonly port: number };

/** A test request. */
export interface TestRequest {
  readonly method?: string;
  readonly path: string;
  readonly token?: string;
  /** Sent as JSON, unless a string (then as is, with `contentType`). */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A complete answer. */
export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (`undefined` if it is not JSON). */
  readonly json: unknown;
}

function open(endpoint: Endpoint, { method = 'GET', path, token, body, contentType, headers = {} }: TestRequest): Promise<IncomingMessage> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        ...('socketPath' in endpoint ? { socketPath: endpoint.socketPath } : { host: '127.0.0.1', port: endpoint.port }),
        method,
        path,
        agent: false,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(payload === undefined ? {} : { 'content-type': contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** Sends `request` over a real connection to `endpoint` and reads the whole answer. */
export async function send(endpoint: Endpoint, request: TestRequest): Promise<TestResponse> {
  const response = await open(endpoint, request);
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode ?? 0, headers: response.headers, text, json };
}

/** One Server-Sent Event received: its name and its raw data. */
export interface ReceivedEvent {
  readonly event: string;
  readonly data: string;
}

/** An open Server-Sent Events stream. */
export interface EventStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The next event named `event` (others are skipped), within `timeoutMs`. */
  next(event: string, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Everything received so far, comments included, as text. */
  received(): string;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens a Server-Sent Events stream at `request.path`. */
export async function openEventStream(endpoint: Endpoint, request: TestRequest): Promise<EventStream> {
  const response = await open(endpoint, request);
  let buffer = '';
  let all = '';
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    all += chunk;
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
      const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n');
      if (event !== undefined) events.push({ event, data });
    }
    for (const wake of waiters) wake();
  });
  const ended = new Promise<void>((resolve) => {
    response.on('end', resolve);
    response.on('close', resolve);
  });
  return {
    status: response.statusCode ?? 0,
    headers: response.headers,
    ended,
    received: () => all,
    close: () => response.destroy(),
    next(event, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const index = events.findIndex((received) => received.event === event);
          if (index < 0) return;
          const [found] = events.splice(0, index + 1).slice(-1);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found!);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${event} event within ${timeoutMs} ms; received: ${all}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

import { request, type IncomingMessage } from 'node:http';
import { UnexpectedStatusError } from './unexpected-status-error.js';

/** One Server-Sent Event: its name and its raw `data:` text. */
export interface ReceivedEvent {
  readonly event: string;
  readonly data: string;
}

/** An open Server-Sent Events stream; `close()` ends it. */
export interface EventStream {
  close(): void;
}

/**
 * A small client of an HTTP API served on a Unix socket (the VMMS management API): JSON requests
 * on a fresh connection each, and Server-Sent Events streams.
 */
export class UnixSocketApi {
  constructor(readonly socketPath: string) {}

  /** Sends `body` (as JSON, if any) and reads the whole answer. */
  async send(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const response = await this.#open(method, path, body);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return { status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') };
  }

  /** {@link send}, expecting `status`; the answer parsed as JSON. */
  async json<T>(method: string, path: string, status: number, body?: unknown): Promise<T> {
    const answer = await this.send(method, path, body);
    if (answer.status !== status) throw new UnexpectedStatusError(method, path, status, answer.status, answer.text);
    return JSON.parse(answer.text) as T;
  }

  /** Opens the event stream at `path`; resolves once the server has answered 200 and streams. */
  async events(path: string, onEvent: (event: ReceivedEvent) => void): Promise<EventStream> {
    const response = await this.#open('GET', path);
    if (response.statusCode !== 200) {
      response.resume();
      throw new UnexpectedStatusError('GET', path, 200, response.statusCode ?? 0, '');
    }
    let buffer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
        if (event === undefined) continue; // a comment: stream open, keep-alive
        onEvent({ event, data: lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n') });
      }
    });
    response.on('error', () => undefined); // closing the stream ourselves aborts it
    return { close: () => response.destroy() };
  }

  #open(method: string, path: string, body?: unknown): Promise<IncomingMessage> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          socketPath: this.socketPath,
          method,
          path,
          agent: false,
          headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }
}

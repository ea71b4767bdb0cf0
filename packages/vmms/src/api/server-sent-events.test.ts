import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NEVER, Observable, Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatServerSentEvent, streamServerSentEvents, type ServerSentEvent } from './server-sent-events.js';
import { openEventStream } from './test-fixtures/http-client.js';

let directory: string;
let server: Server | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sse-'));
});

afterEach(async () => {
  if (server !== undefined) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
  await rm(directory, { recursive: true, force: true });
});

/** Serves `events$` as Server-Sent Events on a Unix socket; resolves with the socket's path. */
async function serve(events$: Observable<ServerSentEvent>, closing$: Observable<unknown> = NEVER): Promise<string> {
  const socketPath = join(directory, 'sse.sock');
  const listening = createServer((_, response) => streamServerSentEvents(response, events$, { keepAliveMs: 60_000, maxBufferedBytes: 1 << 20, closing$ }));
  server = listening;
  await new Promise<void>((resolve) => listening.listen(socketPath, resolve));
  return socketPath;
}

describe('formatServerSentEvent', () => {
  it('writes the event name and its data as one line of JSON, however many lines the data has', () => {
    expect(formatServerSentEvent({ event: 'console', data: 'two\nlines' })).toBe('event: console\ndata: "two\\nlines"\n\n');
  });
});

describe('streamServerSentEvents', () => {
  it('unsubscribes from its source when the client goes away', async () => {
    let unsubscribed!: () => void;
    const gone = new Promise<void>((resolve) => (unsubscribed = resolve));
    const source = new Observable<ServerSentEvent>((subscriber) => {
      subscriber.next({ event: 'hello', data: 1 });
      return unsubscribed;
    });
    const stream = await openEventStream({ socketPath: await serve(source) }, { path: '/' });
    await stream.next('hello');
    stream.close();
    await gone;
  });

  it('ends the response when its source completes', async () => {
    const source = new Subject<ServerSentEvent>();
    const stream = await openEventStream({ socketPath: await serve(source) }, { path: '/' });
    source.next({ event: 'last', data: { n: 1 } });
    expect(JSON.parse((await stream.next('last')).data)).toEqual({ n: 1 });
    source.complete();
    await stream.ended;
  });

  it('ends the response, and its subscription, when the API closes', async () => {
    const closing = new Subject<void>();
    let active = false;
    const source = new Observable<ServerSentEvent>(() => {
      active = true;
      return () => (active = false);
    });
    const stream = await openEventStream({ socketPath: await serve(source, closing) }, { path: '/' });
    expect(active).toBe(true);
    closing.next();
    await stream.ended;
    expect(active).toBe(false);
  });
});

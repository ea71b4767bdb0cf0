import type { ServerResponse } from 'node:http';
import { fromEvent, map, merge, Observable, takeUntil } from 'rxjs';

/** One Server-Sent Event: its name and its data, sent as JSON on one `data:` line. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: unknown;
}

/** How a stream of Server-Sent Events is kept. */
export interface ServerSentEventOptions {
  /** How often a keep-alive comment is sent, so that proxies and clients keep an idle connection. */
  readonly keepAliveMs: number;
  /** A client that lets this many bytes pile up unread is disconnected rather than buffered without bound. */
  readonly maxBufferedBytes: number;
  /** Ends the stream: the API is closing. */
  readonly closing$: Observable<unknown>;
}

/** The wire form of one event (WHATWG HTML §9.2): JSON has no raw line breaks, so one `data:` line. */
export function formatServerSentEvent({ event, data }: ServerSentEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Streams `events$` to `response` as `text/event-stream`, with a keep-alive comment every
 * `keepAliveMs`, until the client goes away, `events$` completes or the API closes; the
 * subscription to `events$` ends with it.
 */
export function streamServerSentEvents(
  response: ServerResponse,
  events$: Observable<ServerSentEvent>,
  options: ServerSentEventOptions,
): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  response.write(': stream open\n\n');
  // Ends when events$ does: the keep-alive lives inside it.
  const chunks$ = new Observable<string>((subscriber) => {
    const keepAlive = setInterval(() => subscriber.next(': keep-alive\n\n'), options.keepAliveMs);
    const subscription = events$.pipe(map(formatServerSentEvent)).subscribe(subscriber);
    return () => {
      clearInterval(keepAlive);
      subscription.unsubscribe();
    };
  });
  chunks$.pipe(takeUntil(merge(fromEvent(response, 'close'), options.closing$))).subscribe({
    next: (chunk) => {
      if (response.writableLength > options.maxBufferedBytes) response.destroy();
      else response.write(chunk);
    },
    complete: () => response.end(),
    error: () => response.destroy(),
  });
}

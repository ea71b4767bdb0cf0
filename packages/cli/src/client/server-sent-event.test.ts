import { describe, expect, it } from 'vitest';
import { readServerSentEvents, type ServerSentEvent } from './server-sent-event.js';

async function* chunksOf(...chunks: string[]): AsyncGenerator<string> {
  yield* chunks;
}

async function collect(chunks: AsyncIterable<string>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(chunks)) events.push(event);
  return events;
}

describe('readServerSentEvents', () => {
  it('joins data lines and names the event type', async () => {
    expect(await collect(chunksOf('event: console\ndata: hello\ndata: world\n\ndata: {"a":1}\n\n'))).toEqual([
      { event: 'console', data: 'hello\nworld' },
      { event: 'message', data: '{"a":1}' },
    ]);
  });

  it('reads events split anywhere across chunks, CRLF included', async () => {
    expect(await collect(chunksOf('da', 'ta: one\r', '\n\r\nda', 'ta:two\n', '\n'))).toEqual([
      { event: 'message', data: 'one' },
      { event: 'message', data: 'two' },
    ]);
  });

  it('skips comments and events without data, and drops an unfinished last event', async () => {
    expect(await collect(chunksOf(': keep-alive\n\nevent: ping\n\ndata: kept\n\ndata: cut off'))).toEqual([
      { event: 'message', data: 'kept' },
    ]);
  });
});

/** One event of a `text/event-stream`: its type (`message` unless named) and its data lines joined by `\n`. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Reads Server-Sent Events from a stream of text chunks, as the HTML standard parses them:
 * lines end in LF, CR or CRLF; a blank line ends an event; `data:` lines accumulate; comments
 * (`:`) and `id:`/`retry:` are skipped; an event with no data is not dispatched.
 */
export async function* readServerSentEvents(chunks: AsyncIterable<string>): AsyncGenerator<ServerSentEvent> {
  let pending = '';
  let event = '';
  let data: string[] = [];
  for await (const chunk of chunks) {
    pending += chunk;
    for (;;) {
      const end = pending.search(/\r\n|\r|\n/);
      // A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
      if (end === -1 || (pending[end] === '\r' && end === pending.length - 1)) break;
      const line = pending.slice(0, end);
      pending = pending.slice(end + (pending.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
  }
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PortLinkError } from './port-link-error.js';
import { PORT_LINK_HEADER_SIZE, PORT_LINK_MAX_BODY, PortLinkMessageType } from './port-link-message.js';
import { PortLinkReader } from './port-link-reader.js';
import { PortLinkWriter } from './port-link-writer.js';

/** A writer whose batches are collected, and flushed by turning the event loop. */
function collectingWriter(): { writer: PortLinkWriter; stream: () => Uint8Array; settle: () => Promise<void> } {
  const chunks: Uint8Array[] = [];
  const writer = new PortLinkWriter({
    write: (bytes, done) => {
      chunks.push(bytes.slice());
      setImmediate(done);
    },
  });
  return {
    writer,
    stream: () => {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const chunk of chunks) {
        all.set(chunk, at);
        at += chunk.length;
      }
      return all;
    },
    settle: async () => {
      for (let i = 0; i < 8; i++) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function readAll(stream: Uint8Array, cuts: number[]): { type: number; body: number[] }[] {
  const seen: { type: number; body: number[] }[] = [];
  const reader = new PortLinkReader((type, bytes, offset, length) => seen.push({ type, body: [...bytes.subarray(offset, offset + length)] }));
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < stream.length)].sort((a, b) => a - b).concat(stream.length)) {
    reader.push(stream.subarray(at, cut));
    at = cut;
  }
  return seen;
}

describe('switch port link framing', () => {
  it('carries control messages and frames, cut into chunks anywhere, byte for byte and in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 14, maxLength: 1600 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat({ max: 60_000 }), { maxLength: 40 }),
        async (frames, cuts) => {
          const { writer, stream, settle } = collectingWriter();
          expect(writer.control(PortLinkMessageType.HELLO, 'token')).toBe(true);
          for (const frame of frames) expect(writer.frame(frame, 0, frame.length)).toBe(true);
          await settle();
          const seen = readAll(stream(), cuts);
          expect(seen[0]).toEqual({ type: PortLinkMessageType.HELLO, body: [...new TextEncoder().encode('token')] });
          expect(seen.slice(1)).toEqual(frames.map((frame) => ({ type: PortLinkMessageType.FRAME, body: [...frame] })));
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('takes a slice of a larger array as the frame', async () => {
    const { writer, stream, settle } = collectingWriter();
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    writer.frame(bytes, 10, 64);
    await settle();
    expect(readAll(stream(), [3, 9])).toEqual([{ type: PortLinkMessageType.FRAME, body: [...bytes.subarray(10, 74)] }]);
  });

  it('refuses frames when both batches are taken, and after close', async () => {
    let done: (() => void) | undefined;
    const writer = new PortLinkWriter({ write: (_bytes, callback) => (done = () => callback()) });
    const frame = new Uint8Array(60_000);
    let accepted = 0;
    while (writer.frame(frame, 0, frame.length)) accepted++;
    expect(accepted).toBe(4); // one 256 KiB batch
    await new Promise((resolve) => setImmediate(resolve)); // the first batch goes out (and stays out)
    accepted = 0;
    while (writer.frame(frame, 0, frame.length)) accepted++;
    expect(accepted).toBe(4); // the second batch fills; nothing more fits until the socket is done
    done?.();
    writer.close();
    expect(writer.frame(frame, 0, 60)).toBe(false);
    expect(writer.frame(new Uint8Array(PORT_LINK_MAX_BODY + 1), 0, PORT_LINK_MAX_BODY + 1)).toBe(false);
  });

  it('says whether frames fit, and wakes a waiting sender once the filled batch has gone to the socket', async () => {
    let done: (() => void) | undefined;
    const writer = new PortLinkWriter({ write: (_bytes, callback) => (done = () => callback()) });
    const frame = new Uint8Array(60_000);
    let woken = 0;
    writer.whenRoom(() => woken++);
    expect(woken).toBe(1); // nothing queued: at once
    while (writer.frame(frame, 0, frame.length));
    await new Promise((resolve) => setImmediate(resolve)); // the first batch goes out and stays out
    while (writer.frame(frame, 0, frame.length));
    expect(writer.hasRoomFor(1, frame.length)).toBe(false);
    expect(writer.hasRoomFor(1, 64)).toBe(true);
    writer.whenRoom(() => woken++);
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toBe(1); // the socket still holds the first batch
    done?.();
    await new Promise((resolve) => setImmediate(resolve)); // the second batch goes out
    expect(woken).toBe(2);
    expect(writer.hasRoomFor(4, 4 * frame.length)).toBe(true);
    writer.frame(frame, 0, frame.length);
    writer.whenRoom(() => woken++);
    writer.close();
    expect(woken).toBe(3);
    expect(writer.hasRoomFor(1, 64)).toBe(false);
  });

  it('finishes by writing what is queued, then takes nothing more', async () => {
    const { writer, stream } = collectingWriter();
    const frame = new Uint8Array(64).fill(5);
    writer.frame(frame, 0, 64);
    writer.frame(frame, 0, 64);
    const finished = new Promise<void>((resolve) => writer.finish(resolve));
    expect(writer.frame(frame, 0, 64)).toBe(false);
    await finished;
    expect(readAll(stream(), [])).toHaveLength(2);
    let again = false;
    writer.finish(() => (again = true));
    expect(again).toBe(true);
  });

  it('throws a PortLinkError for a length outside the frame limits or an unknown type', () => {
    const header = (length: number, type: number): Uint8Array => {
      const bytes = new Uint8Array(PORT_LINK_HEADER_SIZE);
      new DataView(bytes.buffer).setUint32(0, length, true);
      bytes[4] = type;
      return bytes;
    };
    const reader = (): PortLinkReader => new PortLinkReader(() => undefined);
    expect(() => reader().push(header(3, PortLinkMessageType.FRAME))).toThrow(PortLinkError);
    expect(() => reader().push(header(4 + PORT_LINK_MAX_BODY + 1, PortLinkMessageType.FRAME))).toThrow(PortLinkError);
    expect(() => reader().push(header(4, 9))).toThrow(PortLinkError);
    expect(() => reader().push(header(4, 0))).toThrow(PortLinkError);
    const split = reader();
    split.push(header(70_000, PortLinkMessageType.FRAME).subarray(0, 3));
    expect(() => split.push(header(70_000, PortLinkMessageType.FRAME).subarray(3))).toThrow(PortLinkError);
  });
});

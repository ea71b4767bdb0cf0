import { ProtocolError } from '@tsvisor/wire';
import { createChannelPair } from '@tsvisor/vmbus/testing';
import type { IncomingPacket } from '@tsvisor/vmbus';
import { describe, expect, it } from 'vitest';
import { PipeFramer, pipePacket, readPipeMessage } from './pipe-message.js';

/** Sends `payload` raw from the guest end and hands the host's packet to `inspect`. */
async function receive<T>(payload: Uint8Array, inspect: (packet: IncomingPacket) => T): Promise<T> {
  const { host, guest } = createChannelPair();
  const result = new Promise<T>((resolve, reject) => {
    host.packets$.subscribe((packet) => {
      try {
        resolve(inspect(packet));
      } catch (error) {
        reject(error as Error);
      }
    });
  });
  guest.trySend({ payload });
  return result;
}

const header = (type: number, length: number, body: number[] = []): Uint8Array => {
  const bytes = new Uint8Array(8 + body.length);
  new DataView(bytes.buffer).setUint32(0, type, true);
  new DataView(bytes.buffer).setUint32(4, length, true);
  bytes.set(body, 8);
  return bytes;
};

describe('pipe-mode messages', () => {
  it('frames a message behind a pipe header and reads exactly it back', async () => {
    const framer = new PipeFramer();
    const message = Uint8Array.from({ length: 13 }, (_, i) => i + 1);
    const packet = framer.frame(message);
    const got = await receive(packet.payload.slice(0, packet.length), (p) => [...readPipeMessage(p)]);
    expect(got).toEqual([...message]);
  });

  it('builds a packet of its own for a message that may wait in a send queue', async () => {
    const packet = pipePacket(Uint8Array.of(9, 8, 7));
    expect(packet.payload.length).toBe(11);
    expect(await receive(packet.payload, (p) => [...readPipeMessage(p)])).toEqual([9, 8, 7]);
  });

  it.each([
    ['a type other than data', header(2, 4, [1, 2, 3, 4]), 'PipeHeader.type'],
    ['a length past the packet', header(1, 64, [1, 2, 3, 4]), 'PipeHeader.length'],
    ['a length past 16 KiB', header(1, 16 * 1024 + 1, [1, 2, 3, 4]), 'PipeHeader.length'],
    ['no room for the header', new Uint8Array(4), 'PipeHeader.type'],
  ])('rejects %s with a ProtocolError', async (_what, bytes, path) => {
    const error = await receive(bytes, (p) => readPipeMessage(p)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).path).toBe(path);
  });

  it('refuses to frame more than 16 KiB', () => {
    expect(() => new PipeFramer().frame(new Uint8Array(16 * 1024 + 1))).toThrow(RangeError);
  });
});

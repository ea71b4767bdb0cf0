import { PIPE_DATA, PIPE_MAX_PAYLOAD, PipeHeader, type IncomingPacket, type OutgoingPacket } from '@tsvisor/vmbus';
import { ProtocolError } from '@tsvisor/wire';

const HEADER = PipeHeader.size;

/**
 * The message a pipe-mode packet carries (PROTOCOLS.md §1): validates the pipe header (data
 * type, a length that fits the packet and the 16 KiB limit) and returns a view of the message,
 * valid during the packet callback. A violation is a {@link ProtocolError}.
 */
export function readPipeMessage(packet: IncomingPacket): Uint8Array {
  const available = packet.payloadLength;
  const at = packet.payloadOffset;
  const bytes = packet.bytes;
  const fail = (message: string, field: string, offset: number): ProtocolError =>
    new ProtocolError(message, { layout: 'PipeHeader', path: `PipeHeader.${field}`, offset });
  if (available < HEADER) throw fail(`${available} bytes cannot hold a pipe header`, 'type', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, HEADER);
  const type = view.getUint32(0, true);
  const length = view.getUint32(4, true);
  if (type !== PIPE_DATA) throw fail(`pipe message type ${type} is not data (${PIPE_DATA})`, 'type', 0);
  if (length > PIPE_MAX_PAYLOAD || length > available - HEADER) {
    throw fail(`pipe message length ${length} exceeds the ${Math.min(PIPE_MAX_PAYLOAD, available - HEADER)} bytes it may have`, 'length', 4);
  }
  return bytes.subarray(at + HEADER, at + HEADER + length);
}

/**
 * A packet carrying `message` behind a pipe header, in a buffer of its own (so it may wait in a
 * send queue). {@link PipeFramer} reuses one buffer instead, for hot paths.
 */
export function pipePacket(message: Uint8Array): OutgoingPacket {
  if (message.length > PIPE_MAX_PAYLOAD) throw new RangeError(`a pipe message holds at most ${PIPE_MAX_PAYLOAD} bytes, got ${message.length}`);
  const payload = new Uint8Array(HEADER + message.length);
  const view = new DataView(payload.buffer);
  view.setUint32(0, PIPE_DATA, true);
  view.setUint32(4, message.length, true);
  payload.set(message, HEADER);
  return { payload };
}

/**
 * Frames messages for a pipe-mode channel: a pipe header, then the message, in one reused buffer.
 * The packet it returns is valid until the next `frame` call (send it at once).
 */
export class PipeFramer {
  private readonly buffer = new Uint8Array(HEADER + PIPE_MAX_PAYLOAD);
  private readonly view = new DataView(this.buffer.buffer);
  private readonly packet: OutgoingPacket = { payload: this.buffer, offset: 0, length: 0 };

  /** The packet carrying `message` (at most 16 KiB). */
  frame(message: Uint8Array): OutgoingPacket {
    if (message.length > PIPE_MAX_PAYLOAD) throw new RangeError(`a pipe message holds at most ${PIPE_MAX_PAYLOAD} bytes, got ${message.length}`);
    this.view.setUint32(0, PIPE_DATA, true);
    this.view.setUint32(4, message.length, true);
    this.buffer.set(message, HEADER);
    this.packet.length = HEADER + message.length;
    return this.packet;
  }
}

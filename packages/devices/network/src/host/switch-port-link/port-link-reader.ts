import { PORT_LINK_HEADER_SIZE, PORT_LINK_MAX_BODY, PORT_LINK_TYPE_SIZE, PortLinkMessageType } from './port-link-message.js';
import { PortLinkError } from './port-link-error.js';

/** Takes one message: `bytes[offset, offset + length)` is its body, valid during the call only. */
export type PortLinkMessageHandler = (type: PortLinkMessageType, bytes: Uint8Array, offset: number, length: number) => void;

/**
 * Cuts a switch port link's byte stream into messages. Messages that lie whole in a chunk are
 * handed out in place; only one split across chunks is copied (into a buffer made once), so the
 * frame path allocates nothing. A length or type that breaks the framing throws a
 * {@link PortLinkError}: the peer cannot be trusted any more.
 */
export class PortLinkReader {
  private readonly partial = new Uint8Array(PORT_LINK_HEADER_SIZE + PORT_LINK_MAX_BODY);
  private readonly partialView = new DataView(this.partial.buffer);
  private partialLength = 0;

  constructor(private readonly onMessage: PortLinkMessageHandler) {}

  /** Reads `chunk` (as received from the socket). */
  push(chunk: Uint8Array): void {
    let at = 0;
    if (this.partialLength > 0) at = this.completePartial(chunk);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (chunk.length - at >= PORT_LINK_HEADER_SIZE) {
      const size = PORT_LINK_HEADER_SIZE + this.bodyLength(view.getUint32(at, true));
      if (chunk.length - at < size) break;
      this.dispatch(chunk[at + 4]!, chunk, at, size);
      at += size;
    }
    if (at < chunk.length) {
      this.partial.set(chunk.subarray(at), 0);
      this.partialLength = chunk.length - at;
    }
  }

  /** Adds the head of `chunk` to the message begun in an earlier chunk; returns where the rest starts. */
  private completePartial(chunk: Uint8Array): number {
    let at = 0;
    if (this.partialLength < PORT_LINK_HEADER_SIZE) {
      const take = Math.min(PORT_LINK_HEADER_SIZE - this.partialLength, chunk.length);
      this.partial.set(chunk.subarray(0, take), this.partialLength);
      this.partialLength += take;
      at = take;
      if (this.partialLength < PORT_LINK_HEADER_SIZE) return at;
    }
    const size = PORT_LINK_HEADER_SIZE + this.bodyLength(this.partialView.getUint32(0, true));
    const take = Math.min(size - this.partialLength, chunk.length - at);
    this.partial.set(chunk.subarray(at, at + take), this.partialLength);
    this.partialLength += take;
    at += take;
    if (this.partialLength === size) {
      this.partialLength = 0;
      this.dispatch(this.partial[4]!, this.partial, 0, size);
    }
    return at;
  }

  private bodyLength(length: number): number {
    if (length < PORT_LINK_TYPE_SIZE || length > PORT_LINK_TYPE_SIZE + PORT_LINK_MAX_BODY) {
      throw new PortLinkError(`a message length of ${length} is outside ${PORT_LINK_TYPE_SIZE}..${PORT_LINK_TYPE_SIZE + PORT_LINK_MAX_BODY}`);
    }
    return length - PORT_LINK_TYPE_SIZE;
  }

  private dispatch(type: number, bytes: Uint8Array, at: number, size: number): void {
    if (type < PortLinkMessageType.HELLO || type > PortLinkMessageType.FRAME) throw new PortLinkError(`unknown message type ${type}`);
    this.onMessage(type as PortLinkMessageType, bytes, at + PORT_LINK_HEADER_SIZE, size - PORT_LINK_HEADER_SIZE);
  }
}

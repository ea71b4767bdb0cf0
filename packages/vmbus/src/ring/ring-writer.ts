import { PacketDescriptor, PacketFooter } from '../protocol/packet-descriptor.js';
import { RING_FEATURE_PENDING_SEND_SIZE, RingControlOffset } from '../protocol/ring-control.js';
import type { RingMemory } from './ring-memory.js';

const DESCRIPTOR_SIZE = PacketDescriptor.size;
const FOOTER_SIZE = PacketFooter.size;

/**
 * The writing end of a ring (PROTOCOLS.md §1). Packets are appended to a batch and published
 * by {@link RingWriter.commit}, which signals the reader only when the ring went from empty
 * to non-empty and the reader has not masked interrupts. The write index is kept privately:
 * the shared copy is written, never trusted back.
 */
export class RingWriter {
  private committed: number;
  private pending: number;
  /** Free bytes at the last look at the read index, less what was appended since: a lower bound. */
  private knownFree = 0;
  /** Bytes this writer asked the reader to signal for (pending_send_size is set); 0 = none. */
  private requestedBytes = 0;
  private readonly descriptor = new Uint8Array(DESCRIPTOR_SIZE);
  private readonly descriptorView = new DataView(this.descriptor.buffer);
  /** Signals sent to the reader. */
  signals = 0;

  constructor(
    private readonly ring: RingMemory,
    private readonly signalReader: () => void,
  ) {
    this.committed = ring.loadIndex(RingControlOffset.WRITE_INDEX, 'writeIndex');
    this.pending = this.committed;
    ring.store(RingControlOffset.FEATURE_BITS, ring.load(RingControlOffset.FEATURE_BITS) | RING_FEATURE_PENDING_SEND_SIZE);
  }

  /** Bytes a packet with this header and payload takes in the ring, footer included. */
  static packetSize(headerLength: number, payloadLength: number): number {
    return DESCRIPTOR_SIZE + ((headerLength + payloadLength + 7) & ~7) + FOOTER_SIZE;
  }

  /** Bytes appended since the last commit. */
  uncommittedBytes(): number {
    return this.ring.distance(this.committed, this.pending);
  }

  /** Bytes that can be appended now (a ring is never filled completely: full ≠ empty). */
  freeBytes(): number {
    const read = this.ring.loadIndex(RingControlOffset.READ_INDEX, 'readIndex');
    this.knownFree = this.ring.size - this.ring.distance(read, this.pending) - 8;
    return this.knownFree;
  }

  /**
   * Whether `bytes` can be appended now. If not, asks the reader (pending_send_size) to signal
   * once max(bytes, ring size / 4) are free, and re-checks: a reader that freed space before it
   * saw the request will not signal. A satisfied request is withdrawn.
   */
  hasRoomFor(bytes: number): boolean {
    // The reader only ever frees space, so a lower bound that suffices needs no shared load.
    if (bytes <= this.knownFree && this.requestedBytes === 0) return true;
    const ring = this.ring;
    if (bytes > this.freeBytes()) {
      // A request stands until free space covers the largest amount asked for, so a smaller
      // check that succeeds meanwhile does not withdraw it.
      this.requestedBytes = Math.max(this.requestedBytes, bytes);
      ring.store(RingControlOffset.PENDING_SEND_SIZE, Math.max(this.requestedBytes, ring.size >>> 2) & ~7);
      if (bytes > this.freeBytes()) return false;
    }
    if (this.requestedBytes !== 0 && this.knownFree >= this.requestedBytes) {
      ring.store(RingControlOffset.PENDING_SEND_SIZE, 0);
      this.requestedBytes = 0;
    }
    return true;
  }

  /**
   * Appends one packet to the batch: descriptor, the first `headerLength` bytes of `header`
   * (extended header, 8-byte multiple),
   * the payload, padding to 8, footer. Returns false when there is no room, after asking the
   * reader (pending_send_size) to signal once max(needed, ring size / 4) bytes are free.
   * The 64-bit transaction id travels as two u32 halves (no BigInt on the fast path).
   * `reserve` bytes are kept free for completions promised elsewhere.
   */
  tryAppend(
    type: number,
    flags: number,
    transactionIdLow: number,
    transactionIdHigh: number,
    header: Uint8Array | undefined,
    payload: Uint8Array,
    payloadOffset = 0,
    payloadLength = payload.length - payloadOffset,
    reserve = 0,
    headerLength = header ? header.length : 0,
  ): boolean {
    const needed = RingWriter.packetSize(headerLength, payloadLength);
    const ring = this.ring;
    if (!this.hasRoomFor(needed + reserve)) return false;
    const start = this.pending;
    const view = ring.view;
    if (start + DESCRIPTOR_SIZE <= ring.size) {
      view.setUint16(start, type, true);
      view.setUint16(start + 2, (DESCRIPTOR_SIZE + headerLength) >>> 3, true);
      view.setUint16(start + 4, (needed - FOOTER_SIZE) >>> 3, true);
      view.setUint16(start + 6, flags, true);
      view.setUint32(start + 8, transactionIdLow, true);
      view.setUint32(start + 12, transactionIdHigh, true);
    } else {
      // The descriptor straddles the end of the data area (only when start = size − 8).
      const d = this.descriptorView;
      d.setUint16(0, type, true);
      d.setUint16(2, (DESCRIPTOR_SIZE + headerLength) >>> 3, true);
      d.setUint16(4, (needed - FOOTER_SIZE) >>> 3, true);
      d.setUint16(6, flags, true);
      d.setUint32(8, transactionIdLow, true);
      d.setUint32(12, transactionIdHigh, true);
      ring.copyIn(start, this.descriptor, 0, DESCRIPTOR_SIZE);
    }
    let at = ring.advance(start, DESCRIPTOR_SIZE);
    if (header) {
      ring.copyIn(at, header, 0, headerLength);
      at = ring.advance(at, headerLength);
    }
    ring.copyIn(at, payload, payloadOffset, payloadLength);
    at = ring.advance(at, payloadLength);
    const pad = (8 - ((headerLength + payloadLength) & 7)) & 7;
    if (pad) {
      // Padding ends on an 8-byte boundary, so it never wraps.
      ring.data.fill(0, at, at + pad);
      at = ring.advance(at, pad);
    }
    // The footer is 8-byte aligned and 8 bytes long: it never wraps.
    view.setUint32(at, 0, true);
    view.setUint32(at + 4, start, true);
    this.pending = ring.advance(at, FOOTER_SIZE);
    this.knownFree -= needed;
    return true;
  }

  /** Publishes the batch; signals the reader if it needs it. Returns whether it signalled. */
  commit(): boolean {
    if (this.pending === this.committed) return false;
    const old = this.committed;
    const ring = this.ring;
    ring.store(RingControlOffset.WRITE_INDEX, this.pending);
    this.committed = this.pending;
    if (ring.load(RingControlOffset.INTERRUPT_MASK) !== 0) return false;
    if (old !== ring.load(RingControlOffset.READ_INDEX)) return false;
    this.signals++;
    this.signalReader();
    return true;
  }
}

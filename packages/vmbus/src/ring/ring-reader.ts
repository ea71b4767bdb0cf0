import { ProtocolError } from '@tsvisor/wire';
import { PACKET_FLAG_COMPLETION_REQUESTED, PacketDescriptor, PacketFooter, PacketType } from '../protocol/packet-descriptor.js';
import { RING_FEATURE_PENDING_SEND_SIZE, RingControlOffset } from '../protocol/ring-control.js';
import type { RingMemory } from './ring-memory.js';

const DESCRIPTOR_SIZE = PacketDescriptor.size;
const FOOTER_SIZE = PacketFooter.size;
/** 1 for each packet type this reader knows, by type: a table, as it is looked up for every packet. */
const KNOWN_TYPES = new Uint8Array(Math.max(...Object.values(PacketType)) + 1);
for (const type of Object.values(PacketType)) KNOWN_TYPES[type] = 1;

/** The packet {@link RingReader.next} just read; reused from call to call (no allocation). */
export interface RingPacket {
  /**
   * The bytes holding the packet from `start`: the ring's data area itself when the packet does
   * not wrap (zero-copy: it aliases memory the peer can still write, so read each field once),
   * else the caller's scratch buffer holding a copy.
   */
  bytes: Uint8Array;
  /** Offset of the packet's descriptor in {@link RingPacket.bytes}. */
  start: number;
  type: number;
  flags: number;
  /** Low and high 32 bits of the 64-bit transaction id (0/0 = unsolicited). */
  transactionIdLow: number;
  transactionIdHigh: number;
  /** Offset of the payload (after descriptor and extended header) from the packet's start. */
  dataOffset: number;
  /** Length of descriptor + extended header + payload (padding included), without the footer. */
  length: number;
}

/**
 * The reading end of a ring (PROTOCOLS.md §1). Validates every packet the (possibly hostile)
 * writer left: indices in range and aligned, length8 within the bytes available, offset8
 * within the packet, flags, packet type. A violation is a {@link ProtocolError}; the ring's
 * read position does not move past it. The read index is kept privately.
 */
export class RingReader {
  private readIndex: number;
  private published: number;
  private lastStart = -1;
  /** Whether this reader set the interrupt mask (it alone writes it). */
  private masked = false;
  /** The write index at the last look: packets up to it can be read without a shared load. */
  private knownWrite: number;
  private readonly header = new Uint8Array(DESCRIPTOR_SIZE);
  private readonly headerView = new DataView(this.header.buffer);
  /** Signals sent to the writer (flow control). */
  signals = 0;

  constructor(
    private readonly ring: RingMemory,
    private readonly signalWriter: () => void,
  ) {
    this.readIndex = ring.loadIndex(RingControlOffset.READ_INDEX, 'readIndex');
    this.published = this.readIndex;
    this.knownWrite = this.readIndex;
  }

  /** Bytes written and not yet read. */
  available(): number {
    this.knownWrite = this.ring.loadIndex(RingControlOffset.WRITE_INDEX, 'writeIndex');
    return this.ring.distance(this.readIndex, this.knownWrite);
  }

  /**
   * Reads the next packet (descriptor, extended header, payload; no footer) and describes it in
   * `packet`: in place when it does not wrap, else copied into `scratch`. Returns false when the
   * ring is empty. `scratch` must hold the largest packet the ring can carry (its data size).
   * The space is released by {@link RingReader.commit}; until then the bytes stay valid.
   */
  next(packet: RingPacket, scratch: Uint8Array): boolean {
    const ring = this.ring;
    let available = ring.distance(this.readIndex, this.knownWrite);
    if (available === 0) {
      available = this.available();
      if (available === 0) return false;
    }
    if (available < DESCRIPTOR_SIZE + FOOTER_SIZE) throw this.fault(`only ${available} bytes available, less than a packet`);
    let h = ring.view;
    let at = this.readIndex;
    if (at + DESCRIPTOR_SIZE > ring.size) {
      // The descriptor straddles the end of the data area.
      ring.copyOut(at, this.header, 0, DESCRIPTOR_SIZE);
      h = this.headerView;
      at = 0;
    }
    const type = h.getUint16(at, true);
    const offset = h.getUint16(at + 2, true) * 8;
    const length = h.getUint16(at + 4, true) * 8;
    const flags = h.getUint16(at + 6, true);
    if (KNOWN_TYPES[type] !== 1) throw this.fault(`unknown packet type ${type}`, 'type');
    if ((flags & ~PACKET_FLAG_COMPLETION_REQUESTED) !== 0) throw this.fault(`invalid flags 0x${flags.toString(16)}`, 'flags');
    if (length < DESCRIPTOR_SIZE || length + FOOTER_SIZE > available) {
      throw this.fault(`length8 ${length / 8} does not fit the ${available} bytes available`, 'length8');
    }
    if (offset < DESCRIPTOR_SIZE || offset > length) throw this.fault(`offset8 ${offset / 8} is outside the packet`, 'dataOffset8');
    if (length > scratch.length) throw this.fault(`packet of ${length} bytes exceeds the ${scratch.length}-byte buffer`, 'length8');
    packet.type = type;
    packet.flags = flags;
    packet.transactionIdLow = h.getUint32(at + 8, true);
    packet.transactionIdHigh = h.getUint32(at + 12, true);
    packet.dataOffset = offset;
    packet.length = length;
    this.lastStart = this.readIndex;
    if (this.readIndex + length <= ring.size) {
      packet.bytes = ring.data;
      packet.start = this.readIndex;
    } else {
      ring.copyOut(this.readIndex, scratch, 0, length);
      packet.bytes = scratch;
      packet.start = 0;
    }
    this.readIndex = ring.advance(this.readIndex, length + FOOTER_SIZE);
    return true;
  }

  /**
   * Puts back the packet the last {@link RingReader.next} returned, so that the next call returns
   * it again (a consumer that cannot take it yet). Only right after `next`.
   */
  unread(): void {
    if (this.lastStart < 0) throw new Error('unread() must follow next()');
    this.readIndex = this.lastStart;
    this.lastStart = -1;
  }

  /**
   * Publishes the read index (a batch of reads commits once) and signals the writer if free
   * space just crossed the pending_send_size it asked for. Returns whether it signalled.
   *
   * Unless `force`d, publishing waits until an eighth of the ring has been read or the writer
   * asks for room: every store to the control line costs the writer a cache miss. Force it
   * before going idle, so that a writer waiting for room sees all that was read.
   */
  commit(force = false): boolean {
    if (this.readIndex === this.published) return false;
    const ring = this.ring;
    const pendingSendSize = ring.load(RingControlOffset.PENDING_SEND_SIZE) & ~7;
    if (!force && pendingSendSize === 0 && ring.distance(this.published, this.readIndex) < ring.size >>> 3) return false;
    const write = ring.loadIndex(RingControlOffset.WRITE_INDEX, 'writeIndex');
    const freeBefore = ring.size - ring.distance(this.published, write) - 8;
    ring.store(RingControlOffset.READ_INDEX, this.readIndex);
    this.published = this.readIndex;
    if (pendingSendSize === 0) return false;
    if ((ring.load(RingControlOffset.FEATURE_BITS) & RING_FEATURE_PENDING_SEND_SIZE) === 0) return false;
    const freeAfter = ring.size - ring.distance(this.readIndex, write) - 8;
    if (freeBefore > pendingSendSize || freeAfter <= pendingSendSize) return false;
    this.signals++;
    this.signalWriter();
    return true;
  }

  /** Masks the writer's signals while draining. */
  beginDrain(): void {
    if (this.masked) return; // a redundant store would still cost the writer a cache miss
    this.ring.store(RingControlOffset.INTERRUPT_MASK, 1);
    this.masked = true;
  }

  /**
   * Publishes what was read, unmasks, then re-checks: returns true if data arrived meanwhile (a
   * writer that saw the mask skipped its signal), in which case keep draining.
   */
  endDrain(): boolean {
    this.commit(true);
    this.ring.store(RingControlOffset.INTERRUPT_MASK, 0);
    this.masked = false;
    return this.available() !== 0;
  }

  private fault(message: string, field?: string): ProtocolError {
    return new ProtocolError(message, {
      layout: 'PacketDescriptor',
      path: field ? `PacketDescriptor.${field}` : 'PacketDescriptor',
      offset: this.readIndex,
    });
  }
}

import { ProtocolError } from '@tsvisor/wire';
import { PACKET_FLAG_COMPLETION_REQUESTED, PacketDescriptor, PacketType } from '../protocol/packet-descriptor.js';
import type { RingPacket } from '../ring/ring-reader.js';
import type { CompletionTarget } from './completion.js';
import { GpaRangeList } from './gpa-range-list.js';
import type { PageMemory } from './page-memory.js';
import { TransferPageList } from './transfer-page-list.js';

const TWO_32 = 0x1_0000_0000;

/**
 * A packet received on a {@link Channel}, as `packets$` delivers it. The object is reused for
 * the next packet and its bytes may alias the ring (zero-copy), so it is valid only during the
 * subscriber's synchronous callback: copy what you keep, and read each field once (the peer can
 * still write the ring). The fields were validated by the ring reader; the payload was not.
 */
export class IncomingPacket implements RingPacket, CompletionTarget {
  bytes = new Uint8Array(0);
  start = 0;
  type = 0;
  flags = 0;
  transactionIdLow = 0;
  transactionIdHigh = 0;
  dataOffset = 0;
  length = 0;
  /**
   * Which pass over the ring took this packet: the packets of one pass (a batch, taken one after
   * the other with nothing but their handling in between) share it, and it changes from pass to
   * pass. A handler that times its work can read its clock once per batch.
   */
  batch = 0;

  constructor(private readonly pagesets: (pagesetId: number) => Uint8Array | undefined) {}

  /** The 64-bit transaction id as a number (exact below 2^53); 0 = unsolicited. */
  get transactionId(): number {
    return this.transactionIdHigh * TWO_32 + this.transactionIdLow;
  }

  /** The sender wants a COMPLETION (see {@link Channel.complete}). */
  get completionRequested(): boolean {
    return (this.flags & PACKET_FLAG_COMPLETION_REQUESTED) !== 0;
  }

  /** Where the payload starts in {@link IncomingPacket.bytes}. */
  get payloadOffset(): number {
    return this.start + this.dataOffset;
  }

  /** Payload length in bytes, rounded up to 8 (VMBus does not carry the exact length; protocols above do). */
  get payloadLength(): number {
    return this.length - this.dataOffset;
  }

  /** A view of the payload (valid during the callback, like the packet). */
  payload(): Uint8Array {
    return this.bytes.subarray(this.payloadOffset, this.start + this.length);
  }

  /**
   * The GPA ranges of a DATA_USING_GPA_DIRECT packet, decoded and validated (an owned copy).
   * Throws `ProtocolError` if the header does not add up or the packet has another type.
   * Map a range with `GpaRangeList.segments`, which checks every PFN.
   */
  gpaRanges(): GpaRangeList {
    this.expectType(PacketType.DATA_USING_GPA_DIRECT, 'DATA_USING_GPA_DIRECT');
    return GpaRangeList.decode(this.bytes, this.start + PacketDescriptor.size, this.payloadOffset);
  }

  /**
   * A view of the first `length` bytes of guest memory named by a DATA_USING_GPA_DIRECT packet
   * whose one range lies on consecutive guest RAM pages — the usual storage request — allocating
   * nothing but the view; undefined otherwise (another packet type, several ranges, scattered or
   * foreign pages, a malformed header): take {@link IncomingPacket.gpaRanges} then, which says why.
   */
  contiguousGpaView(memory: PageMemory, length: number): Uint8Array | undefined {
    if (this.type !== PacketType.DATA_USING_GPA_DIRECT) return undefined;
    return GpaRangeList.mapContiguous(this.bytes, this.start + PacketDescriptor.size, this.payloadOffset, memory, length);
  }

  /**
   * The ranges of a DATA_USING_TRANSFER_PAGES packet, validated against the page set they name
   * (registered with {@link Channel.registerTransferPageSet}); an owned copy.
   */
  transferPages(): TransferPageList {
    this.expectType(PacketType.DATA_USING_TRANSFER_PAGES, 'DATA_USING_TRANSFER_PAGES');
    return TransferPageList.decode(this.bytes, this.start + PacketDescriptor.size, this.payloadOffset, this.pagesets);
  }

  private expectType(type: number, name: string): void {
    if (this.type !== type) {
      throw new ProtocolError(`packet of type ${this.type} is not ${name}`, { layout: 'PacketDescriptor', path: 'PacketDescriptor.type', offset: 0 });
    }
  }
}

import type { Channel, Completion, OutgoingPacket, TransferPageRangeSpec } from '@tsvisor/device-sdk';
import type { Observer } from 'rxjs';
import { NVSP_RECEIVE_BUFFER_ID, NVSP_SEND_SECTION_INDEX_NONE, type NvspReceiveBufferSection } from '../../protocol/nvsp-buffer.js';
import { NvspChannelType, NvspMessageType } from '../../protocol/nvsp-message-type.js';
import { encodeNvspMessage } from '../../protocol/nvsp-message.js';
import { RNDIS_PACKET_SIZE, writeRndisPacketHeader } from '../../protocol/rndis-packet.js';

/** Most frames one transfer-page packet carries. */
export const NETVSP_MAX_BATCH = 64;

/**
 * Where the first slot starts: 4 bytes in, so that a frame, which follows its 44-byte RNDIS_PACKET
 * header, starts 8-byte aligned in guest memory (copies to unaligned offsets are far slower).
 */
export const NETVSP_SLOT_BASE = 4;

function rndisPacketMessage(channelType: NvspChannelType): Uint8Array {
  return encodeNvspMessage({ type: NvspMessageType.SEND_RNDIS_PACKET, channelType, sendBufferSectionIndex: NVSP_SEND_SECTION_INDEX_NONE, sendBufferSectionSize: 0 });
}

const DATA_MESSAGE = rndisPacketMessage(NvspChannelType.DATA);
const CONTROL_MESSAGE = rndisPacketMessage(NvspChannelType.CONTROL);

/** One transfer-page packet in the making or in flight, with the slots it holds. Reused. */
class ReceiveBatch {
  readonly slots = new Int32Array(NETVSP_MAX_BATCH);
  count = 0;
  private readonly rangePool: { byteOffset: number; byteCount: number }[] = [];
  readonly ranges: TransferPageRangeSpec[] = [];
  readonly packet: OutgoingPacket & { payload: Uint8Array } = { payload: DATA_MESSAGE, transferPages: { pagesetId: NVSP_RECEIVE_BUFFER_ID, ranges: this.ranges } };
  readonly observer: Partial<Observer<Completion>>;

  constructor(owner: NetvspReceiveBuffer) {
    for (let i = 0; i < NETVSP_MAX_BATCH; i++) this.rangePool.push({ byteOffset: 0, byteCount: 0 });
    this.observer = { next: (completion) => owner.completed(this, completion), error: () => owner.completed(this, undefined) };
  }

  add(slot: number, byteOffset: number, byteCount: number): void {
    const range = this.rangePool[this.count]!;
    range.byteOffset = byteOffset;
    range.byteCount = byteCount;
    this.slots[this.count++] = slot;
  }

  /** Lays the ranges out for sending (no allocation once the array has grown). */
  seal(payload: Uint8Array): void {
    this.packet.payload = payload;
    this.ranges.length = 0;
    for (let i = 0; i < this.count; i++) this.ranges.push(this.rangePool[i]!);
  }
}

/**
 * The guest's receive buffer as the host writes it (PROTOCOLS.md §4): fixed slots, each holding
 * one RNDIS message; frames that arrive in one turn go to the guest together in one
 * DATA_USING_TRANSFER_PAGES packet (page set 0xCAFE), and a slot is written again only after the
 * guest completed the packet that carried it. A guest that never completes only runs out of
 * its own slots. Writing a frame allocates nothing (batches are reused).
 */
export class NetvspReceiveBuffer {
  readonly slotCount: number;
  private readonly view: DataView;
  private readonly free: Int32Array;
  private freeCount: number;
  private readonly spare: ReceiveBatch[] = [];
  private current: ReceiveBatch | undefined;
  private flushScheduled = false;
  private closed = false;
  private readonly flushTask = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(
    private readonly channel: Channel,
    private readonly bytes: Uint8Array,
    /** Bytes per slot, a multiple of 8, at least an RNDIS_PACKET header and the largest frame. */
    readonly slotSize: number,
    private readonly events: {
      /** A transfer-page packet went out. */
      readonly sent: () => void;
      /** The guest gave slots back (a control reply waiting for one may go now). */
      readonly slotsFreed: () => void;
      /** The guest completed a packet with something other than RNDIS_PACKET_COMPLETE. */
      readonly badCompletion: () => void;
    },
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.slotCount = Math.floor((bytes.byteLength - NETVSP_SLOT_BASE) / slotSize);
    this.free = new Int32Array(this.slotCount);
    for (let i = 0; i < this.slotCount; i++) this.free[i] = this.slotCount - 1 - i;
    this.freeCount = this.slotCount;
  }

  /** How the buffer is carved, for RECEIVE_BUFFER_COMPLETE. */
  get section(): NvspReceiveBufferSection {
    return { offset: NETVSP_SLOT_BASE, subAllocationSize: this.slotSize, numSubAllocations: this.slotCount, endOffset: NETVSP_SLOT_BASE + this.slotCount * this.slotSize };
  }

  /** Slots free now. */
  get freeSlots(): number {
    return this.freeCount;
  }

  /**
   * Writes `frame[offset, offset + length)` as an RNDIS_PACKET into a free slot and adds it to this
   * turn's packet. False when no slot is free. The caller checked that the frame fits a slot.
   */
  writeFrame(frame: Uint8Array, offset: number, length: number): boolean {
    if (this.freeCount === 0 || this.closed) return false;
    const slot = this.free[--this.freeCount]!;
    const at = NETVSP_SLOT_BASE + slot * this.slotSize;
    const messageLength = writeRndisPacketHeader(this.view, at, length);
    // A frame that is its whole array is copied with no allocation; a part needs one short-lived view.
    if (offset === 0 && length === frame.length) this.bytes.set(frame, at + RNDIS_PACKET_SIZE);
    else this.bytes.set(frame.subarray(offset, offset + length), at + RNDIS_PACKET_SIZE);
    let batch = this.current;
    if (batch === undefined) {
      batch = this.takeBatch();
      this.current = batch;
    }
    batch.add(slot, at, messageLength);
    if (batch.count === NETVSP_MAX_BATCH) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushTask);
    }
    return true;
  }

  /** Sends an RNDIS control message (a reply or a status indication) in a slot of its own, now. False when no slot is free. */
  writeControl(message: Uint8Array): boolean {
    if (this.freeCount === 0 || this.closed || message.length > this.slotSize) return false;
    this.flush();
    const slot = this.free[--this.freeCount]!;
    const at = NETVSP_SLOT_BASE + slot * this.slotSize;
    this.bytes.set(message, at);
    const batch = this.takeBatch();
    batch.add(slot, at, message.length);
    this.send(batch, CONTROL_MESSAGE);
    return true;
  }

  /** Sends the frames written this turn. */
  flush(): void {
    const batch = this.current;
    if (batch === undefined) return;
    this.current = undefined;
    this.send(batch, DATA_MESSAGE);
  }

  /** Stops writing: the buffer was revoked or the channel is gone. */
  close(): void {
    this.closed = true;
    this.current = undefined;
  }

  /** @internal A batch's packet was completed by the guest (or failed with its channel). */
  completed(batch: ReceiveBatch, completion: Completion | undefined): void {
    if (completion !== undefined && !isRndisPacketComplete(completion.payload)) this.events.badCompletion();
    for (let i = 0; i < batch.count; i++) this.free[this.freeCount++] = batch.slots[i]!;
    batch.count = 0;
    this.spare.push(batch);
    if (completion !== undefined && !this.closed) this.events.slotsFreed();
  }

  private takeBatch(): ReceiveBatch {
    return this.spare.pop() ?? new ReceiveBatch(this);
  }

  private send(batch: ReceiveBatch, payload: Uint8Array): void {
    batch.seal(payload);
    this.events.sent();
    // A channel that is gone errors the request at once, which gives the slots back.
    this.channel.request(batch.packet).subscribe(batch.observer);
  }
}

/** Whether a completion's payload is RNDIS_PACKET_COMPLETE (108), whatever its status. */
function isRndisPacketComplete(payload: Uint8Array): boolean {
  return payload.length >= 8 && (payload[0]! | (payload[1]! << 8) | (payload[2]! << 16) | (payload[3]! << 24)) === NvspMessageType.SEND_RNDIS_PACKET_COMPLETE;
}

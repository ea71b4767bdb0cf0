import { ETHERNET_TYPE_OFFSET, ETHERNET_VLAN_TAG_SIZE } from '../../protocol/ethernet.js';

/**
 * A port's bounded ingress queue: a ring of fixed-size frame slots in one preallocated buffer.
 * Frames are copied in untagged, with their VLAN and priority kept beside them as an 802.1Q TCI,
 * so the switch can tag or untag on the way out without moving bytes around in the slot.
 */
export class FrameQueue {
  /** The slots, back to back; a frame starts at its slot's first byte. */
  readonly storage: Uint8Array;
  /**
   * Bytes from one slot to the next: the slot size rounded up to 8, so that every frame starts
   * 8-byte aligned. Copies to and from guest memory (a SharedArrayBuffer) run word by word only
   * when both ends are aligned: a 1500-byte frame at an odd offset took 590 ns instead of 140.
   */
  readonly slotStride: number;
  private readonly lengths: Uint32Array;
  private readonly tcis: Uint16Array;
  private head = 0;
  private count = 0;

  constructor(
    /** Most frames held. */
    readonly depth: number,
    /** Bytes per slot: the longest frame, tag included. */
    readonly slotSize: number,
  ) {
    this.slotStride = (slotSize + 7) & ~7;
    this.storage = new Uint8Array(depth * this.slotStride);
    this.lengths = new Uint32Array(depth);
    this.tcis = new Uint16Array(depth);
  }

  get length(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count === this.depth;
  }

  /**
   * Copies `frame[offset, offset + length)` in, dropping its 802.1Q tag if `tagged`; the caller
   * has checked that it fits a slot and that the queue is not full. A frame that is its whole
   * array (the usual case) is copied with no allocation; a part of a larger array needs one
   * short-lived view for the copy (a byte loop would be 30× slower).
   */
  enqueue(frame: Uint8Array, offset: number, length: number, tagged: boolean, tci: number): void {
    const slot = (this.head + this.count) % this.depth;
    const at = slot * this.slotStride;
    if (offset === 0 && length === frame.length) this.storage.set(frame, at);
    else this.storage.set(frame.subarray(offset, offset + length), at);
    if (tagged) {
      const tag = at + ETHERNET_TYPE_OFFSET;
      this.storage.copyWithin(tag, tag + ETHERNET_VLAN_TAG_SIZE, at + length);
      this.lengths[slot] = length - ETHERNET_VLAN_TAG_SIZE;
    } else {
      this.lengths[slot] = length;
    }
    this.tcis[slot] = tci;
    this.count++;
  }

  /** Where the oldest frame starts in {@link storage}; only while the queue is not empty. */
  get headOffset(): number {
    return this.head * this.slotStride;
  }

  /** The oldest frame's untagged length. */
  get headLength(): number {
    return this.lengths[this.head]!;
  }

  /** The oldest frame's 802.1Q TCI (its VLAN id and priority). */
  get headTci(): number {
    return this.tcis[this.head]!;
  }

  /** Forgets the oldest frame. */
  dequeue(): void {
    this.head = (this.head + 1) % this.depth;
    this.count--;
  }

  /** Forgets every frame; returns how many there were. */
  clear(): number {
    const dropped = this.count;
    this.head = 0;
    this.count = 0;
    return dropped;
  }
}

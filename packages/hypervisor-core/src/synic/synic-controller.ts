import type { GuestMemory } from '../memory/guest-memory.js';
import { HvStatus } from './hv-status.js';
import {
  SINT_COUNT,
  SYNIC_EVENT_FLAGS_PER_SINT,
  SYNIC_MAX_PAYLOAD,
  SYNIC_MESSAGE_FLAG_PENDING,
  SYNIC_MESSAGE_HEADER_SIZE,
  SYNIC_MESSAGE_SIZE,
  SynicMessageHeader,
  VpAssistPage,
  vpSynicPages,
  type VpSynicPages,
} from './synic-layout.js';

/** Messages that may wait for one busy SIMP slot before the host gets InsufficientBuffers. */
export const MAX_PENDING_MESSAGES = 64;

interface PendingMessage {
  readonly messageType: number;
  readonly payload: Uint8Array;
}

/**
 * The host's side of each VP's SynIC: delivers messages into the guest's SIMP slots and
 * sets event flags in its SIEFP, then raises the SINT in the VP assist page's pending mask
 * (waking a VP that waits for interrupts). A busy slot gets the pending flag and a bounded
 * queue; the guest's EOM lets the next message in.
 */
export class SynicController {
  private readonly pages: readonly VpSynicPages[];
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly pending: PendingMessage[][];
  private delivered = 0;
  private dropped = 0;

  constructor(
    memory: GuestMemory,
    private readonly vpCount: number,
  ) {
    this.pages = Array.from({ length: vpCount }, (_, vp) => vpSynicPages(memory.pageCount, vpCount, vp));
    this.words = new Int32Array(memory.buffer);
    this.bytes = new Uint8Array(memory.buffer);
    this.pending = Array.from({ length: vpCount * SINT_COUNT }, () => []);
  }

  /** Messages written into SIMP slots so far. */
  get messagesDelivered(): number {
    return this.delivered;
  }

  /** Messages refused because a slot's queue was full. */
  get messagesDropped(): number {
    return this.dropped;
  }

  /** The SynIC pages of VP `vpIndex`. */
  vpPages(vpIndex: number): VpSynicPages {
    const pages = this.pages[vpIndex];
    if (!pages) throw new RangeError(`no virtual processor ${vpIndex}`);
    return pages;
  }

  /**
   * Posts a message to SINT `sint` of VP `vpIndex`: into its SIMP slot if free, else queued
   * behind it (InsufficientBuffers when {@link MAX_PENDING_MESSAGES} already wait).
   */
  postMessage(vpIndex: number, sint: number, messageType: number, payload: Uint8Array): HvStatus {
    if (!Number.isInteger(vpIndex) || vpIndex < 0 || vpIndex >= this.vpCount) return HvStatus.InvalidVpIndex;
    if (!Number.isInteger(sint) || sint < 0 || sint >= SINT_COUNT) return HvStatus.InvalidParameter;
    if (!Number.isInteger(messageType) || messageType <= 0 || messageType > 0xffffffff) return HvStatus.InvalidParameter;
    if (payload.length > SYNIC_MAX_PAYLOAD) return HvStatus.InvalidParameter;
    const queue = this.pending[vpIndex * SINT_COUNT + sint]!;
    if (queue.length === 0 && this.tryDeliver(vpIndex, sint, messageType, payload, false)) return HvStatus.Success;
    if (queue.length >= MAX_PENDING_MESSAGES) {
      this.dropped++;
      return HvStatus.InsufficientBuffers;
    }
    queue.push({ messageType, payload: payload.slice() });
    this.markPending(vpIndex, sint);
    // The guest may have freed the slot between our look and the flag: deliver now if so.
    this.deliverPending(vpIndex);
    return HvStatus.Success;
  }

  /** Sets event flag `flag` of SINT `sint` on VP `vpIndex` and raises the SINT. */
  signalEvent(vpIndex: number, sint: number, flag: number): HvStatus {
    if (!Number.isInteger(vpIndex) || vpIndex < 0 || vpIndex >= this.vpCount) return HvStatus.InvalidVpIndex;
    if (!Number.isInteger(sint) || sint < 0 || sint >= SINT_COUNT) return HvStatus.InvalidParameter;
    if (!Number.isInteger(flag) || flag < 0 || flag >= SYNIC_EVENT_FLAGS_PER_SINT) return HvStatus.InvalidParameter;
    const base = (this.pages[vpIndex]!.siefpGpa + (sint * SYNIC_EVENT_FLAGS_PER_SINT) / 8) >>> 2;
    Atomics.or(this.words, base + (flag >>> 5), 1 << (flag & 31));
    this.raise(vpIndex, sint);
    return HvStatus.Success;
  }

  /** After an EOM from VP `vpIndex`: moves queued messages into slots the guest freed. */
  deliverPending(vpIndex: number): void {
    for (let sint = 0; sint < SINT_COUNT; sint++) {
      const queue = this.pending[vpIndex * SINT_COUNT + sint]!;
      while (queue.length > 0) {
        const next = queue[0]!;
        if (!this.tryDeliver(vpIndex, sint, next.messageType, next.payload, queue.length > 1)) break;
        queue.shift();
      }
    }
  }

  /** Forgets every queued message (the partition is starting afresh). */
  reset(): void {
    for (const queue of this.pending) queue.length = 0;
  }

  private tryDeliver(vpIndex: number, sint: number, messageType: number, payload: Uint8Array, morePending: boolean): boolean {
    const slot = this.pages[vpIndex]!.simpGpa + sint * SYNIC_MESSAGE_SIZE;
    const typeWord = (slot + SynicMessageHeader.messageType) >>> 2;
    if (Atomics.load(this.words, typeWord) !== 0) return false;
    const bytes = this.bytes;
    bytes.set(payload, slot + SYNIC_MESSAGE_HEADER_SIZE);
    bytes.fill(0, slot + SYNIC_MESSAGE_HEADER_SIZE + payload.length, slot + SYNIC_MESSAGE_SIZE);
    bytes[slot + SynicMessageHeader.payloadSize] = payload.length;
    bytes[slot + SynicMessageHeader.flags] = morePending ? SYNIC_MESSAGE_FLAG_PENDING : 0;
    bytes.fill(0, slot + SynicMessageHeader.flags + 1, slot + SYNIC_MESSAGE_HEADER_SIZE);
    // The type goes last: a non-zero type tells the guest the slot is complete.
    Atomics.store(this.words, typeWord, messageType | 0);
    this.delivered++;
    this.raise(vpIndex, sint);
    return true;
  }

  private markPending(vpIndex: number, sint: number): void {
    const slot = this.pages[vpIndex]!.simpGpa + sint * SYNIC_MESSAGE_SIZE;
    Atomics.or(this.bytes, slot + SynicMessageHeader.flags, SYNIC_MESSAGE_FLAG_PENDING);
  }

  /**
   * Sets the SINT's bit in the VP's pending mask and wakes the VP if it waits. The VP announces
   * that it waits in its assist page, then checks the mask once more before it sleeps: either it
   * sees the bit, or this sees the announcement and wakes it — exactly one raise clears the flag
   * and notifies. A VP that is running is not notified: a cross-thread notify cost the host a fifth
   * of its time under storage load.
   */
  private raise(vpIndex: number, sint: number): void {
    const words = this.words;
    const assist = this.pages[vpIndex]!.vpAssistGpa;
    const pending = (assist + VpAssistPage.pendingInterrupts) >>> 2;
    const waiting = (assist + VpAssistPage.waiting) >>> 2;
    Atomics.or(words, pending, 1 << sint);
    if (Atomics.load(words, waiting) === 1 && Atomics.compareExchange(words, waiting, 1, 0) === 1) Atomics.notify(words, pending);
  }
}

import { SYNIC_MESSAGE_SIZE } from './synic-layout.js';

/**
 * The hypervisor's private shared memory for one partition: the path by which virtual
 * processors hand hypercalls to the host. It is never mapped into the guest realm; the
 * VP runtime (trusted code outside the guest's `vm` context) and the host share it.
 *
 * Layout (32-bit words unless noted):
 * - header: doorbell, host-waiting flag, grant high-water mark;
 * - grant table: {@link MAX_PORTS} × {connection id, kind} — the connection ids granted
 *   to this partition;
 * - event bitmap: one pending bit per grant slot (SignalEvent);
 * - per VP: run state, EOM request, message queue head/tail, counters (float64), and a
 *   queue of {@link QUEUE_SLOTS} 256-byte PostMessage slots.
 */
export const MAX_PORTS = 1024;
/** PostMessage slots per VP queue. */
export const QUEUE_SLOTS = 128;

/** Kinds of grant-table entry. */
export const GrantKind = { Free: 0, Message: 1, Event: 2 } as const;
export type GrantKind = (typeof GrantKind)[keyof typeof GrantKind];

/** Run states of a VP as the runtime sees them at each checkpoint. */
export const VpRunState = { Running: 0, Paused: 1, Stopping: 2 } as const;

/** Word indices of the header. */
export const Header = { doorbell: 0, hostWaiting: 1, grantHighWater: 2 } as const;

const HEADER_WORDS = 16;
const GRANT_BASE = HEADER_WORDS;
const EVENT_BASE = GRANT_BASE + MAX_PORTS * 2;
const VP_BASE_BYTES = (EVENT_BASE + MAX_PORTS / 32) * 4;

/** Word offsets inside a VP's block. */
export const VpWord = { runState: 0, eomRequest: 1, queueHead: 2, queueTail: 3 } as const;
/** Float64 counter slots inside a VP's block (single writer: the VP, except where noted). */
export const VpCounter = {
  messagesSent: 0,
  signalsSent: 1,
  messagesRefused: 2,
  signalsRefused: 3,
  queueFull: 4,
  badHypercalls: 5,
  pausedMs: 6,
} as const;
const VP_COUNTERS = 8;
const VP_HEADER_BYTES = 64 + VP_COUNTERS * 8;
const VP_BLOCK_BYTES = VP_HEADER_BYTES + QUEUE_SLOTS * SYNIC_MESSAGE_SIZE;

/** Offsets in a queue slot: {u32 connectionId; u32 messageType; u32 payloadSize; u32 reserved; payload[240]}. */
export const QueueSlot = { connectionId: 0, messageType: 4, payloadSize: 8, payload: 16 } as const;

/** Typed views onto one partition's control block; both the host and each VP runtime build one. */
export class PartitionControlBlock {
  readonly words: Int32Array;
  readonly bytes: Uint8Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly vpCount: number,
  ) {
    this.words = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
  }

  /** Allocates a zeroed control block for `vpCount` VPs. */
  static allocate(vpCount: number): PartitionControlBlock {
    return new PartitionControlBlock(new SharedArrayBuffer(VP_BASE_BYTES + vpCount * VP_BLOCK_BYTES), vpCount);
  }

  /** Word index of grant slot `slot`'s connection id (kind is the next word). */
  static grantWord(slot: number): number {
    return GRANT_BASE + slot * 2;
  }

  /** Word index of the event bitmap word holding `slot`. */
  static eventWord(slot: number): number {
    return EVENT_BASE + (slot >>> 5);
  }

  /** Word index of the first event bitmap word. */
  static readonly eventBase = EVENT_BASE;

  /** Word index of `word` in VP `vpIndex`'s block. */
  static vpWord(vpIndex: number, word: number): number {
    return (VP_BASE_BYTES + vpIndex * VP_BLOCK_BYTES) / 4 + word;
  }

  /** Float64Array over VP `vpIndex`'s counters. */
  counters(vpIndex: number): Float64Array {
    return new Float64Array(this.buffer, VP_BASE_BYTES + vpIndex * VP_BLOCK_BYTES + 64, VP_COUNTERS);
  }

  /** Byte offset of queue slot `slot` of VP `vpIndex`. */
  static queueSlotOffset(vpIndex: number, slot: number): number {
    return VP_BASE_BYTES + vpIndex * VP_BLOCK_BYTES + VP_HEADER_BYTES + slot * SYNIC_MESSAGE_SIZE;
  }

  /**
   * Wakes the host if it is waiting. Exactly one producer wins the exchange and rings;
   * the host re-checks every queue after announcing that it will wait, so none is lost.
   */
  ringDoorbell(): void {
    const words = this.words;
    if (Atomics.compareExchange(words, Header.hostWaiting, 1, 0) === 1) {
      Atomics.add(words, Header.doorbell, 1);
      Atomics.notify(words, Header.doorbell);
    }
  }
}

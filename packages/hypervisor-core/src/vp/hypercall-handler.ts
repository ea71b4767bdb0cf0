import { HvStatus } from '../synic/hv-status.js';
import {
  GrantKind,
  Header,
  PartitionControlBlock,
  QUEUE_SLOTS,
  QueueSlot,
  VpCounter,
  VpRunState,
  VpWord,
} from '../synic/partition-control-block.js';
import { PostMessageInput, SYNIC_MAX_PAYLOAD } from '../synic/synic-layout.js';

/**
 * The hypervisor side of a VP's hypercalls, running in the VP thread but outside the guest
 * realm. Inputs are numbers only; outputs are HV_STATUS numbers only; nothing here throws
 * for any input, and nothing allocates per call.
 */
export class HypercallHandler {
  private readonly guestWords: Int32Array;
  private readonly memorySize: number;
  private readonly ctl: Int32Array;
  private readonly counters: Float64Array;
  private readonly runStateWord: number;
  private readonly eomWord: number;
  private readonly headWord: number;
  private readonly tailWord: number;
  private readonly queueWordBase: number;

  constructor(
    guestMemory: SharedArrayBuffer,
    private readonly block: PartitionControlBlock,
    vpIndex: number,
  ) {
    this.guestWords = new Int32Array(guestMemory);
    this.memorySize = guestMemory.byteLength;
    this.ctl = block.words;
    this.counters = block.counters(vpIndex);
    this.runStateWord = PartitionControlBlock.vpWord(vpIndex, VpWord.runState);
    this.eomWord = PartitionControlBlock.vpWord(vpIndex, VpWord.eomRequest);
    this.headWord = PartitionControlBlock.vpWord(vpIndex, VpWord.queueHead);
    this.tailWord = PartitionControlBlock.vpWord(vpIndex, VpWord.queueTail);
    this.queueWordBase = PartitionControlBlock.queueSlotOffset(vpIndex, 0) / 4;
  }

  /** HvPostMessage: the HV_INPUT_POST_MESSAGE block at `inputGpa` goes to the granted port. */
  postMessage(inputGpa: number): number {
    this.checkpoint();
    if (typeof inputGpa !== 'number' || !Number.isSafeInteger(inputGpa) || inputGpa < 0) {
      return this.bad(HvStatus.InvalidHypercallInput);
    }
    if (inputGpa % 8 !== 0) return this.bad(HvStatus.InvalidAlignment);
    if (inputGpa + PostMessageInput.payload > this.memorySize) return this.bad(HvStatus.InvalidParameter);
    const g = this.guestWords;
    const base = inputGpa >>> 2;
    const connectionId = g[base + PostMessageInput.connectionId / 4]! >>> 0;
    const messageType = g[base + PostMessageInput.messageType / 4]! >>> 0;
    const payloadSize = g[base + PostMessageInput.payloadSize / 4]! >>> 0;
    // Message types with the top bit set belong to the hypervisor; 0 means "no message".
    if (payloadSize > SYNIC_MAX_PAYLOAD || messageType === 0 || messageType >= 0x80000000) {
      return this.bad(HvStatus.InvalidParameter);
    }
    if (inputGpa + PostMessageInput.payload + payloadSize > this.memorySize) return this.bad(HvStatus.InvalidParameter);
    if (this.findGrant(connectionId, GrantKind.Message) < 0) {
      this.counters[VpCounter.messagesRefused]!++;
      return HvStatus.InvalidConnectionId;
    }
    const ctl = this.ctl;
    const tail = ctl[this.tailWord]!;
    if (((tail - Atomics.load(ctl, this.headWord)) | 0) >= QUEUE_SLOTS) {
      this.counters[VpCounter.queueFull]!++;
      return HvStatus.InsufficientBuffers;
    }
    const slot = this.queueWordBase + (tail & (QUEUE_SLOTS - 1)) * 64;
    ctl[slot] = connectionId;
    ctl[slot + 1] = messageType;
    ctl[slot + 2] = payloadSize;
    const from = base + PostMessageInput.payload / 4;
    const to = slot + QueueSlot.payload / 4;
    // Word copy (both sides 8-byte aligned); the input block is copied once, so a guest
    // rewriting it concurrently cannot change what the host validates.
    for (let i = 0, n = (payloadSize + 3) >>> 2; i < n; i++) ctl[to + i] = g[from + i]!;
    Atomics.store(ctl, this.tailWord, (tail + 1) | 0);
    this.counters[VpCounter.messagesSent]!++;
    this.block.ringDoorbell();
    return HvStatus.Success;
  }

  /** HvSignalEvent: sets the pending flag of the granted event port. */
  signalEvent(connectionId: number, flagNumber: number): number {
    this.checkpoint();
    if (typeof connectionId !== 'number' || typeof flagNumber !== 'number' || !Number.isInteger(connectionId)) {
      return this.bad(HvStatus.InvalidHypercallInput);
    }
    if (flagNumber !== 0) return this.bad(HvStatus.InvalidParameter);
    const slot = this.findGrant(connectionId >>> 0, GrantKind.Event);
    if (slot < 0) {
      this.counters[VpCounter.signalsRefused]!++;
      return HvStatus.InvalidConnectionId;
    }
    Atomics.or(this.ctl, PartitionControlBlock.eventWord(slot), 1 << (slot & 31));
    this.counters[VpCounter.signalsSent]!++;
    this.block.ringDoorbell();
    return HvStatus.Success;
  }

  /** End of message: the guest freed a SIMP slot whose pending flag was set. */
  eom(): number {
    this.checkpoint();
    Atomics.store(this.ctl, this.eomWord, 1);
    this.block.ringDoorbell();
    return HvStatus.Success;
  }

  /**
   * Blocks this VP while the partition is paused. When the partition is stopping it never
   * returns: the host terminates the thread.
   */
  checkpoint(): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, this.runStateWord) === VpRunState.Running) return;
    const pausedAt = Date.now();
    for (;;) {
      const state = Atomics.load(ctl, this.runStateWord);
      if (state === VpRunState.Running) break;
      Atomics.wait(ctl, this.runStateWord, state);
    }
    this.counters[VpCounter.pausedMs]! += Date.now() - pausedAt;
  }

  private findGrant(connectionId: number, kind: GrantKind): number {
    const ctl = this.ctl;
    const highWater = Atomics.load(ctl, Header.grantHighWater);
    for (let slot = 0; slot < highWater; slot++) {
      const word = PartitionControlBlock.grantWord(slot);
      if (Atomics.load(ctl, word + 1) === kind && ctl[word]! >>> 0 === connectionId) return slot;
    }
    return -1;
  }

  private bad(status: number): number {
    this.counters[VpCounter.badHypercalls]!++;
    return status;
  }
}

import {
  HvStatus,
  PostMessageInput,
  SYNIC_EVENT_FLAGS_PER_SINT,
  SYNIC_MAX_PAYLOAD,
  SYNIC_MESSAGE_FLAG_PENDING,
  SYNIC_MESSAGE_HEADER_SIZE,
  SYNIC_MESSAGE_SIZE,
  SynicMessageHeader,
  type VpEnvironment,
} from '@tsvisor/hypervisor-core/guest';

/**
 * The guest's view of one VP's SynIC, as VMBus uses it: messages posted through the hypercall
 * input page, the SIMP slot of a SINT, and the SIEFP event flags of a SINT.
 */
export class GuestSynic {
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly input: DataView;

  constructor(readonly vp: VpEnvironment) {
    this.words = new Int32Array(vp.memory);
    this.bytes = new Uint8Array(vp.memory);
    this.input = new DataView(vp.memory, vp.synic.hypercallInputGpa, PostMessageInput.payload + SYNIC_MAX_PAYLOAD);
  }

  /** HvPostMessage of `message` on `connectionId`; returns the hypercall status. */
  postMessage(connectionId: number, messageType: number, message: Uint8Array): number {
    if (message.length > SYNIC_MAX_PAYLOAD) return HvStatus.InvalidParameter;
    const input = this.input;
    input.setUint32(PostMessageInput.connectionId, connectionId, true);
    input.setUint32(PostMessageInput.connectionId + 4, 0, true);
    input.setUint32(PostMessageInput.messageType, messageType, true);
    input.setUint32(PostMessageInput.payloadSize, message.length, true);
    this.bytes.set(message, this.vp.synic.hypercallInputGpa + PostMessageInput.payload);
    return this.vp.postMessage(this.vp.synic.hypercallInputGpa);
  }

  /**
   * Takes the message in SINT `sint`'s SIMP slot into `target` and frees the slot (with an EOM
   * when more are pending). Returns its payload size, or −1 when the slot is empty.
   */
  takeMessage(sint: number, target: Uint8Array): number {
    const slot = this.vp.synic.simpGpa + sint * SYNIC_MESSAGE_SIZE;
    const typeWord = (slot + SynicMessageHeader.messageType) >>> 2;
    if (Atomics.load(this.words, typeWord) === 0) return -1;
    const size = Math.min(this.bytes[slot + SynicMessageHeader.payloadSize]!, SYNIC_MAX_PAYLOAD, target.length);
    target.set(this.bytes.subarray(slot + SYNIC_MESSAGE_HEADER_SIZE, slot + SYNIC_MESSAGE_HEADER_SIZE + size));
    Atomics.store(this.words, typeWord, 0);
    if ((Atomics.load(this.bytes, slot + SynicMessageHeader.flags) & SYNIC_MESSAGE_FLAG_PENDING) !== 0) this.vp.eom();
    return size;
  }

  /** Clears SINT `sint`'s event flags, calling `onFlag` for each one that was set. */
  takeEventFlags(sint: number, onFlag: (flag: number) => void): void {
    const base = (this.vp.synic.siefpGpa + (sint * SYNIC_EVENT_FLAGS_PER_SINT) / 8) >>> 2;
    for (let w = 0; w < SYNIC_EVENT_FLAGS_PER_SINT / 32; w++) {
      if (Atomics.load(this.words, base + w) === 0) continue;
      let bits = Atomics.exchange(this.words, base + w, 0);
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits);
        bits &= ~(1 << bit);
        onFlag(w * 32 + bit);
      }
    }
  }
}

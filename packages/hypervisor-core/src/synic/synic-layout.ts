/**
 * Where the SynIC lives in a partition's guest memory. The hypervisor reserves the top
 * pages of guest memory, {@link SYNIC_PAGES_PER_VP} per virtual processor, in this order:
 *
 * | page | content |
 * |---|---|
 * | SIMP | 16 message slots of 256 bytes, one per SINT (host → guest messages) |
 * | SIEFP | 16 event-flag blocks of 256 bytes (2048 flags) per SINT (host → guest signals) |
 * | VP assist | u32 pending-interrupt mask (one bit per SINT) at offset 0 |
 * | hypercall input | where the guest writes hypercall input blocks (HV_INPUT_POST_MESSAGE) |
 *
 * The guest may scribble on all of it: the host never trusts what it reads back from
 * these pages, and a bad value only ever hurts the guest that wrote it.
 */
export const PAGE_SIZE = 4096;
/** log2 of {@link PAGE_SIZE}: GPA = PFN << PAGE_SHIFT. */
export const PAGE_SHIFT = 12;
/** Synthetic interrupt sources per virtual processor. */
export const SINT_COUNT = 16;
/** One SynIC message: 16-byte header + 240-byte payload. */
export const SYNIC_MESSAGE_SIZE = 256;
/** Offset of the payload inside a SynIC message. */
export const SYNIC_MESSAGE_HEADER_SIZE = 16;
/** Largest payload a SynIC message carries. */
export const SYNIC_MAX_PAYLOAD = 240;
/** Event flags per SINT in the SIEFP (256 bytes × 8 bits). */
export const SYNIC_EVENT_FLAGS_PER_SINT = 2048;
/** Header `flags` bit set while further messages wait for this slot (the guest must EOM). */
export const SYNIC_MESSAGE_FLAG_PENDING = 0x1;
/** Reserved pages per virtual processor (SIMP, SIEFP, VP assist, hypercall input). */
export const SYNIC_PAGES_PER_VP = 4;

/** Offsets inside the 16-byte SynIC message header (PROTOCOLS.md §2). */
export const SynicMessageHeader = {
  messageType: 0,
  payloadSize: 4,
  flags: 5,
  sender: 8,
} as const;

/**
 * HV_INPUT_POST_MESSAGE, the PostMessage hypercall's input block in guest memory:
 * u32 connection_id, u32 reserved, u32 message_type, u32 payload_size, payload[240].
 */
export const PostMessageInput = {
  connectionId: 0,
  messageType: 8,
  payloadSize: 12,
  payload: 16,
  size: 256,
} as const;

/** Byte offsets of the pending-interrupt mask in the VP assist page. */
export const VpAssistPage = {
  pendingInterrupts: 0,
  /**
   * 1 while the VP waits for an interrupt (set by the guest before it waits, after which it checks
   * the mask again); the host that clears it from 1 to 0 wakes the VP. A VP that runs is not woken:
   * a cross-thread notify costs the host microseconds.
   */
  waiting: 4,
} as const;

/** Guest physical addresses of one virtual processor's SynIC pages. */
export interface VpSynicPages {
  /** SynIC message page. */
  readonly simpGpa: number;
  /** SynIC event flags page. */
  readonly siefpGpa: number;
  /** VP assist page (pending-interrupt mask). */
  readonly vpAssistGpa: number;
  /** Page where the guest writes hypercall input blocks. */
  readonly hypercallInputGpa: number;
}

/** First reserved page frame number for a partition of `pageCount` pages and `vpCount` VPs. */
export function synicFirstPfn(pageCount: number, vpCount: number): number {
  return pageCount - vpCount * SYNIC_PAGES_PER_VP;
}

/** The SynIC pages of VP `vpIndex`. */
export function vpSynicPages(pageCount: number, vpCount: number, vpIndex: number): VpSynicPages {
  const base = (synicFirstPfn(pageCount, vpCount) + vpIndex * SYNIC_PAGES_PER_VP) * PAGE_SIZE;
  return {
    simpGpa: base,
    siefpGpa: base + PAGE_SIZE,
    vpAssistGpa: base + 2 * PAGE_SIZE,
    hypercallInputGpa: base + 3 * PAGE_SIZE,
  };
}

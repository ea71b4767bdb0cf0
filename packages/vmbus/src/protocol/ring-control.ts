/**
 * The control page at the head of each VMBus ring buffer. Byte-exact per PROTOCOLS.md §1.
 * @module
 */
import { reserved, struct, u32, type Infer } from '@tsvisor/wire';

/** Size of the control page; the data area follows it. */
export const RING_CONTROL_PAGE_SIZE = 4096;

/**
 * Byte offsets of the control-page fields, for hot paths that use `DataView` or `Atomics`
 * directly.
 */
export const RingControlOffset = {
  /** u32: where the writer writes next, a byte offset into the data area. */
  WRITE_INDEX: 0,
  /** u32: where the reader reads next. */
  READ_INDEX: 4,
  /** u32: 1 while the reader drains, so writers skip signals. */
  INTERRUPT_MASK: 8,
  /** u32: bytes a writer that found the ring full waits for. */
  PENDING_SEND_SIZE: 12,
  /** u32: feature bits, see {@link RING_FEATURE_PENDING_SEND_SIZE}. */
  FEATURE_BITS: 64,
} as const;

/** Feature bit 0: this side supports `pending_send_size` flow control. */
export const RING_FEATURE_PENDING_SEND_SIZE = 1;

/** The first 68 bytes of the ring control page; the rest of the page is reserved. */
export const RingControl = struct('RingControl', {
  writeIndex: u32,
  readIndex: u32,
  interruptMask: u32,
  pendingSendSize: u32,
  reserved: reserved(48),
  featureBits: u32,
});
/** Value of a {@link RingControl}. */
export type RingControl = Infer<typeof RingControl>;

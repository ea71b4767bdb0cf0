/**
 * Bits of `vmscsi_request.srb_flags` (the Windows `SRB_FLAGS_*` values; PROTOCOLS.md §3).
 * @module
 */

/** Bits of the SRB flags a guest sets; the field may carry others, which the host ignores. */
export const SrbFlag = {
  /** `queue_tag`/`queue_action` are meaningful. */
  QUEUE_ACTION_ENABLE: 0x0000_0002,
  /** The request may not disconnect. */
  DISABLE_DISCONNECT: 0x0000_0004,
  /** No synchronous transfer negotiation (set by Linux on every request). */
  DISABLE_SYNCH_TRANSFER: 0x0000_0008,
  /** The request bypasses a frozen queue. */
  BYPASS_FROZEN_QUEUE: 0x0000_0010,
  /** No sense data wanted. */
  DISABLE_AUTOSENSE: 0x0000_0020,
  /** Data moves from the device to the guest. */
  DATA_IN: 0x0000_0040,
  /** Data moves from the guest to the device. */
  DATA_OUT: 0x0000_0080,
  /** An error does not freeze the queue. */
  NO_QUEUE_FREEZE: 0x0000_0100,
  /** The adapter may cache the data. */
  ADAPTER_CACHE_ENABLE: 0x0000_0200,
} as const;

/**
 * SCSI request block status codes, as storvsp reports them in `vmscsi_request.srb_status`
 * (PROTOCOLS.md §3; the Windows `SRB_STATUS_*` values).
 * @module
 */

/** The status code in the low six bits of `srb_status`. */
export const SrbStatus = {
  /** The request completed; the SCSI status says how. */
  SUCCESS: 0x01,
  /** The request was aborted. */
  ABORTED: 0x02,
  /** The request failed: with a CHECK CONDITION, the sense data says why. */
  ERROR: 0x04,
  /** The request itself was malformed. */
  INVALID_REQUEST: 0x06,
  /**
   * Fewer bytes moved than `data_transfer_length` (storport's code for under- and overrun alike);
   * `data_transfer_length` of the completion holds the bytes that did.
   */
  DATA_OVERRUN: 0x12,
  /** No logical unit at that LUN. */
  INVALID_LUN: 0x20,
  /** No target at that target id. */
  INVALID_TARGET_ID: 0x21,
  /** The host failed on its own side. */
  INTERNAL_ERROR: 0x30,
} as const;

/** A status code: one of the values of {@link SrbStatus}. */
export type SrbStatus = (typeof SrbStatus)[keyof typeof SrbStatus];

/** `srb_status` bit 7: the sense data in the request's union is valid. */
export const SRB_STATUS_AUTOSENSE_VALID = 0x80;

/** `srb_status` bit 6: the host froze its queue for this logical unit. */
export const SRB_STATUS_QUEUE_FROZEN = 0x40;

/** The status code of an `srb_status` byte, without its flag bits. */
export function srbStatusCode(srbStatus: number): number {
  return srbStatus & 0x3f;
}

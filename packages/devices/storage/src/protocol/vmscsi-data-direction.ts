/**
 * The direction of a SCSI request's data, in `vmscsi_request.data_in` (PROTOCOLS.md §3).
 * @module
 */

/** Values of `vmscsi_request.data_in`. */
export const VmscsiDataDirection = {
  /** Data-out: the guest's buffer is written to the device (`WRITE_TYPE`). */
  WRITE: 0,
  /** Data-in: the device fills the guest's buffer (`READ_TYPE`). */
  READ: 1,
  /** No data (`UNKNOWN_TYPE`). */
  NONE: 2,
} as const;

/** A data direction: one of the values of {@link VmscsiDataDirection}. */
export type VmscsiDataDirection = (typeof VmscsiDataDirection)[keyof typeof VmscsiDataDirection];

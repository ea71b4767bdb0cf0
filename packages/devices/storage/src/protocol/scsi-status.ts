/**
 * SCSI status codes (SAM-5), in `vmscsi_request.scsi_status`.
 * @module
 */

/** The status a logical unit ends a command with. */
export const ScsiStatus = {
  GOOD: 0x00,
  /** The command failed; the sense data says why. */
  CHECK_CONDITION: 0x02,
  CONDITION_MET: 0x04,
  BUSY: 0x08,
  RESERVATION_CONFLICT: 0x18,
  TASK_SET_FULL: 0x28,
  ACA_ACTIVE: 0x30,
  TASK_ABORTED: 0x40,
} as const;

/** A status code: one of the values of {@link ScsiStatus}. */
export type ScsiStatus = (typeof ScsiStatus)[keyof typeof ScsiStatus];

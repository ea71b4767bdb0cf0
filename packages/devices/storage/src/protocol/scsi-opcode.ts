/**
 * SCSI operation codes of the commands a storvsp target serves (SPC-4, SBC-3; PROTOCOLS.md §3).
 * @module
 */

/** Operation codes, in CDB byte 0. */
export const ScsiOpcode = {
  TEST_UNIT_READY: 0x00,
  REQUEST_SENSE: 0x03,
  READ_6: 0x08,
  WRITE_6: 0x0a,
  INQUIRY: 0x12,
  MODE_SENSE_6: 0x1a,
  START_STOP_UNIT: 0x1b,
  READ_CAPACITY_10: 0x25,
  READ_10: 0x28,
  WRITE_10: 0x2a,
  VERIFY_10: 0x2f,
  SYNCHRONIZE_CACHE_10: 0x35,
  UNMAP: 0x42,
  MODE_SENSE_10: 0x5a,
  READ_16: 0x88,
  WRITE_16: 0x8a,
  VERIFY_16: 0x8f,
  SYNCHRONIZE_CACHE_16: 0x91,
  WRITE_SAME_16: 0x93,
  /** SERVICE ACTION IN(16): READ CAPACITY(16) is its service action {@link SERVICE_ACTION_READ_CAPACITY_16}. */
  SERVICE_ACTION_IN_16: 0x9e,
  REPORT_LUNS: 0xa0,
  READ_12: 0xa8,
  WRITE_12: 0xaa,
} as const;

/** An operation code: one of the values of {@link ScsiOpcode}. */
export type ScsiOpcode = (typeof ScsiOpcode)[keyof typeof ScsiOpcode];

/** The service action of SERVICE ACTION IN(16) (CDB byte 1, bits 0–4) that is READ CAPACITY(16). */
export const SERVICE_ACTION_READ_CAPACITY_16 = 0x10;

/**
 * The CDB length that an operation code's group (its top three bits) implies: 6, 10, 12 or 16
 * bytes, or 0 for the reserved and vendor-specific groups, whose length the code does not tell.
 */
export function cdbLengthOf(opcode: number): number {
  switch (opcode >> 5) {
    case 0:
      return 6;
    case 1:
    case 2:
      return 10;
    case 4:
      return 16;
    case 5:
      return 12;
    default:
      return 0;
  }
}

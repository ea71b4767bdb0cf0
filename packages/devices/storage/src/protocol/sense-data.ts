/**
 * SCSI sense data in fixed format (SPC-4 §4.5.3): sense keys, additional sense codes, the 18-byte
 * layout and an allocation-free writer.
 * @module
 */
import { bytes, oneOf, reserved, struct, u8, u32be, type Infer } from '@tsvisor/wire';

/** Sense keys (byte 2, bits 0–3). */
export const SenseKey = {
  NO_SENSE: 0x0,
  RECOVERED_ERROR: 0x1,
  NOT_READY: 0x2,
  MEDIUM_ERROR: 0x3,
  HARDWARE_ERROR: 0x4,
  ILLEGAL_REQUEST: 0x5,
  UNIT_ATTENTION: 0x6,
  DATA_PROTECT: 0x7,
  BLANK_CHECK: 0x8,
  ABORTED_COMMAND: 0xb,
  MISCOMPARE: 0xe,
} as const;

/** A sense key: one of the values of {@link SenseKey}. */
export type SenseKey = (typeof SenseKey)[keyof typeof SenseKey];

/** Additional sense code and qualifier pairs, as `asc << 8 | ascq`. */
export const AdditionalSense = {
  NO_ADDITIONAL_SENSE: 0x0000,
  WRITE_ERROR: 0x0c00,
  UNRECOVERED_READ_ERROR: 0x1100,
  PARAMETER_LIST_LENGTH_ERROR: 0x1a00,
  INVALID_COMMAND_OPERATION_CODE: 0x2000,
  LBA_OUT_OF_RANGE: 0x2100,
  INVALID_FIELD_IN_CDB: 0x2400,
  LOGICAL_UNIT_NOT_SUPPORTED: 0x2500,
  INVALID_FIELD_IN_PARAMETER_LIST: 0x2600,
  WRITE_PROTECTED: 0x2700,
  SAVING_PARAMETERS_NOT_SUPPORTED: 0x3900,
  INTERNAL_TARGET_FAILURE: 0x4400,
} as const;

/** An additional sense code and qualifier: one of the values of {@link AdditionalSense}. */
export type AdditionalSense = (typeof AdditionalSense)[keyof typeof AdditionalSense];

/** Response code of fixed-format sense data about the current command. */
export const FIXED_SENSE_CURRENT = 0x70;

/** Response code of fixed-format sense data about an earlier command. */
export const FIXED_SENSE_DEFERRED = 0x71;

/** Bit 7 of the response code: the INFORMATION field is valid. */
export const FIXED_SENSE_INFORMATION_VALID = 0x80;

/** Size of fixed-format sense data without vendor bytes: 18. */
export const FIXED_SENSE_LENGTH = 18;

/**
 * Fixed-format sense data (18 bytes, big-endian). `flagsAndSenseKey` holds FILEMARK, EOM and ILI
 * in bits 7–5 and the sense key in bits 0–3 ({@link senseKeyOf}); `additionalLength` counts the
 * bytes after it (10). Response codes other than 0x70/0x71 (with or without the VALID bit) are
 * `ProtocolError`s: descriptor-format sense has another layout.
 */
export const FixedSenseData = struct('FixedSenseData', {
  responseCode: oneOf(u8, [
    FIXED_SENSE_CURRENT,
    FIXED_SENSE_DEFERRED,
    FIXED_SENSE_INFORMATION_VALID | FIXED_SENSE_CURRENT,
    FIXED_SENSE_INFORMATION_VALID | FIXED_SENSE_DEFERRED,
  ]),
  obsolete: reserved(1),
  flagsAndSenseKey: u8,
  information: u32be,
  additionalLength: u8,
  commandSpecificInformation: u32be,
  additionalSenseCode: u8,
  additionalSenseCodeQualifier: u8,
  fieldReplaceableUnitCode: u8,
  senseKeySpecific: bytes(3),
});
/** Value of a {@link FixedSenseData}. */
export type FixedSenseData = Infer<typeof FixedSenseData>;

/** The sense key in a {@link FixedSenseData.flagsAndSenseKey} byte. */
export function senseKeyOf(flagsAndSenseKey: number): number {
  return flagsAndSenseKey & 0x0f;
}

/** Fixed sense data is built here first, so that a short target gets a prefix without allocating. */
const scratch = new Uint8Array(FIXED_SENSE_LENGTH);

/**
 * Writes current fixed-format sense data with `key` and `additional` (`asc << 8 | ascq`) into
 * `target`, as much of the 18 bytes as fits, and returns how many bytes it wrote.
 */
export function writeFixedSense(target: Uint8Array, key: SenseKey, additional: AdditionalSense): number {
  scratch.fill(0);
  scratch[0] = FIXED_SENSE_CURRENT;
  scratch[2] = key;
  scratch[7] = FIXED_SENSE_LENGTH - 8;
  scratch[12] = additional >> 8;
  scratch[13] = additional & 0xff;
  const length = Math.min(FIXED_SENSE_LENGTH, target.length);
  for (let index = 0; index < length; index++) target[index] = scratch[index]!;
  return length;
}

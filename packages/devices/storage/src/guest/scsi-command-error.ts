import { SRB_STATUS_AUTOSENSE_VALID, ScsiStatus, SenseKey, srbStatusCode } from '../protocol/index.js';

/** The sense key name of `key`, for messages. */
function senseKeyName(key: number): string {
  return Object.entries(SenseKey).find(([, value]) => value === key)?.[0] ?? `0x${key.toString(16)}`;
}

/**
 * A SCSI command that the host completed with an error: the SRB status, the SCSI status and,
 * with CHECK CONDITION, the sense key and additional sense code (`asc << 8 | ascq`).
 */
export class ScsiCommandError extends Error {
  override readonly name = 'ScsiCommandError';
  /** The sense key, or undefined without valid sense data. */
  readonly senseKey: number | undefined;
  /** `asc << 8 | ascq`, or undefined without valid sense data. */
  readonly additionalSense: number | undefined;

  constructor(
    /** The operation code of the command. */
    readonly opcode: number,
    readonly lun: number,
    /** `srb_status` as completed (flag bits included). */
    readonly srbStatus: number,
    readonly scsiStatus: number,
    sense: Uint8Array,
  ) {
    const valid = (srbStatus & SRB_STATUS_AUTOSENSE_VALID) !== 0 && scsiStatus === ScsiStatus.CHECK_CONDITION && sense.length >= 14;
    const senseKey = valid ? sense[2]! & 0x0f : undefined;
    const additionalSense = valid ? (sense[12]! << 8) | sense[13]! : undefined;
    super(
      `SCSI command 0x${opcode.toString(16)} to LUN ${lun} failed: SRB status 0x${srbStatusCode(srbStatus).toString(16)}` +
        (senseKey === undefined ? '' : `, ${senseKeyName(senseKey)} (ASC/ASCQ 0x${additionalSense!.toString(16).padStart(4, '0')})`),
    );
    this.senseKey = senseKey;
    this.additionalSense = additionalSense;
  }
}

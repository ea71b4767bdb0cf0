import {
  SRB_STATUS_AUTOSENSE_VALID,
  ScsiStatus,
  SrbStatus,
  VMSCSI_SENSE_SIZE,
  writeFixedSense,
  type AdditionalSense,
  type SenseKey,
} from '../../protocol/index.js';

/**
 * How a SCSI command ended, as a storvsp completion reports it: a caller-owned record that the
 * target overwrites at the end of every command, so the I/O path allocates nothing for it.
 *
 * Transfers shorter than the buffer end with {@link SrbStatus.DATA_OVERRUN} and the bytes that
 * moved in {@link ScsiOutcome.dataTransferred}, as storvsp reports them (storvsc reads the rest as
 * the residual).
 */
export class ScsiOutcome {
  /** The SCSI status: GOOD or CHECK CONDITION. */
  scsiStatus: number = ScsiStatus.GOOD;
  /** The SRB status, with {@link SRB_STATUS_AUTOSENSE_VALID} when sense data was written. */
  srbStatus: number = SrbStatus.SUCCESS;
  /** Bytes moved to or from the data buffer. */
  dataTransferred = 0;
  /** Bytes of sense data written at the start of {@link ScsiOutcome.sense}. */
  senseLength = 0;

  /** @param sense - Where sense data goes: 20 bytes by default, as a completion carries. */
  constructor(readonly sense: Uint8Array = new Uint8Array(VMSCSI_SENSE_SIZE)) {}

  /** GOOD, with `transferred` of the buffer's `bufferLength` bytes moved. */
  good(transferred: number, bufferLength: number): void {
    this.scsiStatus = ScsiStatus.GOOD;
    this.srbStatus = transferred === bufferLength ? SrbStatus.SUCCESS : SrbStatus.DATA_OVERRUN;
    this.dataTransferred = transferred;
    this.senseLength = 0;
  }

  /** CHECK CONDITION with fixed-format sense data: nothing moved. */
  checkCondition(key: SenseKey, additional: AdditionalSense): void {
    this.scsiStatus = ScsiStatus.CHECK_CONDITION;
    this.senseLength = writeFixedSense(this.sense, key, additional);
    this.srbStatus = SrbStatus.ERROR | (this.senseLength > 0 ? SRB_STATUS_AUTOSENSE_VALID : 0);
    this.dataTransferred = 0;
  }

  /** The request failed before reaching a logical unit (an unknown LUN, say): no SCSI status. */
  srbFailure(srbStatus: SrbStatus): void {
    this.scsiStatus = ScsiStatus.GOOD;
    this.srbStatus = srbStatus;
    this.dataTransferred = 0;
    this.senseLength = 0;
  }
}

import { AdditionalSense, ScsiOpcode, SenseKey, SrbStatus } from '../../protocol/index.js';
import { readBe32, writeBe32 } from './big-endian.js';
import type { ScsiOutcome } from './scsi-outcome.js';
import type { ScsiRequest } from './scsi-request.js';
import type { ScsiTarget } from './scsi-target.js';

/** LUNs a controller addresses: 0 to 255, single-level (SAM-5 peripheral device addressing). */
export const SCSI_MAX_LUNS = 256;

/** Size of the REPORT LUNS CDB, whose allocation length is at bytes 6–9. */
const REPORT_LUNS_CDB_LENGTH = 12;

/**
 * A SCSI controller: up to {@link SCSI_MAX_LUNS} logical units, each a {@link ScsiTarget}. It
 * answers REPORT LUNS itself, whichever LUN it is addressed to (SPC-4 §6.33); a command for a LUN
 * with no unit ends in {@link SrbStatus.INVALID_LUN}, as storvsp reports it.
 */
export class ScsiController {
  private readonly units: Array<ScsiTarget | undefined> = new Array<ScsiTarget | undefined>(SCSI_MAX_LUNS).fill(undefined);

  /** LUNs with a unit, in increasing order. */
  get luns(): number[] {
    return this.units.flatMap((unit, lun) => (unit ? [lun] : []));
  }

  /** The unit at `lun`, if any. */
  unit(lun: number): ScsiTarget | undefined {
    return this.units[lun];
  }

  /** Puts `target` at `lun`. @throws RangeError - for a LUN outside 0–255 or already taken. */
  attach(lun: number, target: ScsiTarget): void {
    if (!Number.isInteger(lun) || lun < 0 || lun >= SCSI_MAX_LUNS) throw new RangeError(`LUN ${lun} is not in 0–${SCSI_MAX_LUNS - 1}`);
    if (this.units[lun]) throw new RangeError(`LUN ${lun} already has a unit`);
    this.units[lun] = target;
  }

  /** Removes the unit at `lun` and returns it (its disk stays open: the caller closes it). */
  detach(lun: number): ScsiTarget | undefined {
    const target = this.units[lun];
    if (target) this.units[lun] = undefined;
    return target;
  }

  /**
   * Executes `request` on `lun`, as {@link ScsiTarget.execute} does: undefined when the outcome
   * is in `outcome` already, else a promise (never rejected) that resolves when it is.
   */
  execute(lun: number, request: ScsiRequest, outcome: ScsiOutcome): Promise<void> | undefined {
    if (request.cdbLength >= 1 && request.cdb[0] === ScsiOpcode.REPORT_LUNS) {
      this.reportLuns(request, outcome);
      return undefined;
    }
    const target = this.units[lun];
    if (!target) {
      outcome.srbFailure(SrbStatus.INVALID_LUN);
      return undefined;
    }
    return target.execute(request, outcome);
  }

  /** REPORT LUNS: every LUN with a unit, for SELECT REPORT 0 and 2; none for 1 (well-known LUNs only). */
  private reportLuns(request: ScsiRequest, outcome: ScsiOutcome): void {
    const { cdb, cdbLength, data } = request;
    const complete = cdbLength >= REPORT_LUNS_CDB_LENGTH && cdbLength <= cdb.length;
    const select = cdb[2]!;
    const allocationLength = complete ? readBe32(cdb, 6) : 0;
    if (allocationLength < 16 || select > 2) {
      return outcome.checkCondition(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_CDB);
    }
    const luns = select === 1 ? [] : this.luns;
    const reply = new Uint8Array(8 + 8 * luns.length);
    writeBe32(reply, 0, 8 * luns.length);
    for (const [index, lun] of luns.entries()) reply[8 + 8 * index + 1] = lun;
    const length = Math.min(reply.length, allocationLength, data.length);
    data.set(reply.subarray(0, length));
    outcome.good(length, data.length);
  }
}

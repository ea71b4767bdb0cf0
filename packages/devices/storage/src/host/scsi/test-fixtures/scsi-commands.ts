import { ScsiOutcome } from '../scsi-outcome.js';
import type { ScsiRequest } from '../scsi-request.js';

/** A request with `cdb` (its length is the CDB length) and `data`. */
export function scsiRequest(cdb: readonly number[], data: Uint8Array = new Uint8Array(0)): ScsiRequest {
  const bytes = new Uint8Array(16);
  bytes.set(cdb);
  return { cdb: bytes, cdbLength: cdb.length, data };
}

/** Runs `cdb` on `unit` and returns the outcome. */
export async function runScsi(
  unit: { execute(request: ScsiRequest, outcome: ScsiOutcome): Promise<void> | undefined },
  cdb: readonly number[],
  data?: Uint8Array,
): Promise<ScsiOutcome> {
  const outcome = new ScsiOutcome();
  await unit.execute(scsiRequest(cdb, data), outcome);
  return outcome;
}

/** Sense key, ASC and ASCQ of an outcome's fixed sense data. */
export function senseOf(outcome: ScsiOutcome): [key: number, asc: number, ascq: number] {
  return [outcome.sense[2]! & 0x0f, outcome.sense[12]!, outcome.sense[13]!];
}

/** A CDB with `value` big-endian in `size` bytes at `at` (up to 2^53). */
export function be(cdb: number[], at: number, size: number, value: number): number[] {
  let rest = value;
  for (let index = size - 1; index >= 0; index--) {
    cdb[at + index] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return cdb;
}

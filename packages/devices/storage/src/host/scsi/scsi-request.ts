/**
 * One SCSI command as the VSP hands it to a {@link ScsiController} or {@link ScsiTarget}. The
 * caller owns it and may reuse it for the next command once the promise of this one settles.
 */
export interface ScsiRequest {
  /** The CDB, in its first {@link ScsiRequest.cdbLength} bytes (a private copy, not guest memory). */
  readonly cdb: Uint8Array;
  /** Length of the CDB: 1 to 16, at most `cdb.length`. */
  readonly cdbLength: number;
  /**
   * The data buffer of `data_transfer_length` bytes: the data-out of a write, filled by a read.
   * It may be a view of guest memory; the target reads and writes it in place.
   */
  readonly data: Uint8Array;
}

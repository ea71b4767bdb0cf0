import type { CompletionTarget } from '@tsvisor/device-sdk';
import { VMSCSI_CDB_SIZE, VSTOR_PACKET_SIZE, VSTOR_SRB_OFFSETS, VmscsiDataDirection } from '../../protocol/index.js';
import { ScsiOutcome } from '../scsi/scsi-outcome.js';
import type { ScsiRequest } from '../scsi/scsi-request.js';
import type { ScsiTarget } from '../scsi/scsi-target.js';

/** An empty data buffer, for requests that move no data. */
const NO_DATA = new Uint8Array(0);
const RESOLVED = Promise.resolve();

/**
 * One SCSI request in flight on a storvsp channel: everything it needs, allocated once and reused
 * for request after request — the outcome, the completion packet (the request echoed, then
 * updated), the CDB (read in place in that packet until the completion's sense data replaces it),
 * and the transaction id to complete. Its data buffer is a view of the guest's
 * pages, or a bounce buffer (allocated the first time this slot needs one) when the guest's
 * ranges are not contiguous.
 */
export class SrbSlot implements ScsiRequest, CompletionTarget {
  cdbLength = 0;
  data: Uint8Array = NO_DATA;
  readonly outcome = new ScsiOutcome();
  /** The completion: the guest's packet echoed, then updated with the outcome. */
  readonly reply = new Uint8Array(VSTOR_PACKET_SIZE);
  /** The request's CDB, where the guest's packet has it in {@link SrbSlot.reply}. */
  readonly cdb = this.reply.subarray(VSTOR_SRB_OFFSETS.cdbOrSense, VSTOR_SRB_OFFSETS.cdbOrSense + VMSCSI_CDB_SIZE);
  readonly replyView = new DataView(this.reply.buffer);
  /** {@link SrbSlot.reply} as 32-bit words, for copying the request in. */
  readonly replyWords = new Uint32Array(this.reply.buffer);
  transactionIdLow = 0;
  transactionIdHigh = 0;
  lun = 0;
  direction: number = VmscsiDataDirection.NONE;
  /** When the request was taken from the ring (`runClock`, ms). */
  startedAt = 0;
  /** The unit the request went to, so that a hot-removed disk is closed only once its requests are done. */
  unit: ScsiTarget | undefined;
  /** Settles when the request is done (resolved at once when the slot is free). */
  running: Promise<void> = RESOLVED;
  /** The guest's pages when they are not one contiguous view: data goes through {@link SrbSlot.bounce}. */
  private scattered: Uint8Array[] | undefined;
  private bounce: Uint8Array | undefined;

  /** Hands the slot back to its channel when its request is done (bound once, not per request). */
  readonly done: () => void;

  constructor(
    private readonly maxTransferBytes: number,
    onDone: (slot: SrbSlot) => void,
  ) {
    this.done = () => onDone(this);
  }

  /** Data for a request without any. */
  noData(): void {
    this.data = NO_DATA;
    this.scattered = undefined;
  }

  /** Data in one contiguous view of the guest's pages, exactly the request's length. */
  guestView(view: Uint8Array): void {
    this.data = view;
    this.scattered = undefined;
  }

  /**
   * Data in the guest's pages `segments`, `length` bytes in all (the caller checked that they hold
   * at least that much and that it is within the limit).
   */
  guestData(segments: Uint8Array[], length: number): void {
    const first = segments[0]!;
    if (first.length >= length) {
      this.data = first.length === length ? first : first.subarray(0, length);
      this.scattered = undefined;
      return;
    }
    this.bounce ??= new Uint8Array(this.maxTransferBytes);
    this.data = this.bounce.subarray(0, length);
    this.scattered = segments;
    if (this.direction === VmscsiDataDirection.WRITE) this.copy(true);
  }

  /** After a read into the bounce buffer: scatter what the disk gave into the guest's pages. */
  settleData(): void {
    if (this.scattered !== undefined && this.direction === VmscsiDataDirection.READ) this.copy(false);
    this.scattered = undefined;
    this.data = NO_DATA;
  }

  /** Copies between the bounce buffer and the guest's pages, `data.length` bytes (the rare, scattered path). */
  private copy(gather: boolean): void {
    const data = this.data;
    const segments = this.scattered!;
    let at = 0;
    for (let i = 0; i < segments.length && at < data.length; i++) {
      const segment = segments[i]!;
      const count = Math.min(segment.length, data.length - at);
      if (gather) data.set(count === segment.length ? segment : segment.subarray(0, count), at);
      else segment.set(data.subarray(at, at + count));
      at += count;
    }
  }
}

import type { CompletionReceiver, GpaRangeSpec, IncomingPacket, OutgoingPacket } from '@tsvisor/device-sdk';
import { ProtocolError } from '@tsvisor/wire';
import {
  SrbFlag,
  SrbStatus,
  VMSCSI_CDB_SIZE,
  VMSCSI_SENSE_SIZE,
  VSTOR_FLAG_REQUEST_COMPLETION,
  VSTOR_PACKET_SIZE,
  VmscsiDataDirection,
  VstorOperation,
  VSTOR_SRB_OFFSETS,
  srbStatusCode,
  vmscsiRequestLength,
  vstorPacketLength,
} from '../protocol/index.js';
import { GUEST_PAGE_SIZE, type IoPagePool } from './io-page-pool.js';
import { ScsiCommandError } from './scsi-command-error.js';

const {
  operation: OPERATION,
  flags: FLAGS,
  status: STATUS,
  length: LENGTH,
  srbStatus: SRB_STATUS,
  scsiStatus: SCSI_STATUS,
  lun: LUN,
  cdbLength: CDB_LENGTH,
  senseInfoLength: SENSE_INFO_LENGTH,
  dataIn: DATA_IN,
  dataTransferLength: DATA_TRANSFER_LENGTH,
  cdbOrSense: CDB,
  srbFlags: SRB_FLAGS,
} = VSTOR_SRB_OFFSETS;
const TWO_32 = 0x1_0000_0000;

/** What a {@link SrbRequest} tells its channel when it is done. */
export interface SrbRequestOwner {
  /** The request settled: it may be reused. */
  srbDone(request: SrbRequest, answered: boolean): void;
}

/**
 * One EXECUTE_SRB request of a storvsc channel, allocated once and reused request after request
 * (the guest's fast path): its vstor packet, its GPA range (one, of consecutive pages) and the
 * outgoing packet naming them, and the promise of the caller. It receives its own completion
 * (`Channel.sendRequest`), so nothing is allocated per request but the caller's promise. A read through the driver's I/O pages copies them into the caller's
 * buffer on completion, and gives the pages back.
 */
export class SrbRequest implements CompletionReceiver {
  private readonly packet = new Uint8Array(VSTOR_PACKET_SIZE);
  private readonly view = new DataView(this.packet.buffer);
  private readonly pfns: number[] = [];
  private readonly range: { byteOffset: number; byteCount: number; pfns: number[] } = { byteOffset: 0, byteCount: 0, pfns: this.pfns };
  private readonly ranges: readonly GpaRangeSpec[] = [this.range];
  private readonly outgoing: OutgoingPacket = { payload: this.packet, length: VSTOR_PACKET_SIZE };
  private resolve: ((dataTransferred: number) => void) | undefined;
  private reject: ((error: Error) => void) | undefined;
  /** The caller's buffer, filled from {@link bounce} when a read completes. */
  private target: Uint8Array | undefined;
  /** The I/O pages standing in for the caller's buffer. */
  private bounce: Uint8Array | undefined;
  private pool: IoPagePool | undefined;
  private bounceFirstPfn = 0;
  private bouncePages = 0;
  private readonly capture = (resolve: (dataTransferred: number) => void, reject: (error: Error) => void): void => {
    this.resolve = resolve;
    this.reject = reject;
  };

  constructor(private readonly owner: SrbRequestOwner) {}

  /** Puts `cdb` (1–16 bytes) in the packet; see {@link prepare}. */
  setCdb(cdb: Uint8Array): void {
    this.packet.fill(0, CDB, CDB + VMSCSI_CDB_SIZE);
    this.packet.set(cdb, CDB);
  }

  /** Puts READ(16) or WRITE(16) (`opcode`) of `blocks` blocks from `lba` in the packet; see {@link prepare}. */
  setReadWrite16(opcode: number, lba: number, blocks: number): void {
    const view = this.view;
    view.setUint32(CDB, opcode << 24);
    view.setUint32(CDB + 4, 0);
    view.setUint32(CDB + 8, 0);
    view.setUint32(CDB + 12, 0);
    view.setUint32(CDB + 2, Math.floor(lba / TWO_32));
    view.setUint32(CDB + 6, lba % TWO_32);
    view.setUint32(CDB + 10, blocks);
  }

  /**
   * Fills the rest of the packet: EXECUTE_SRB of the `cdbLength`-byte CDB set before on `lun`,
   * with `length` bytes of data (0: none) at guest physical address `gpa` moving in `direction`,
   * for protocol `version`. Returns the promise of its outcome: the bytes that moved, or a
   * {@link ScsiCommandError}.
   */
  prepare(version: number, lun: number, cdbLength: number, gpa: number, length: number, direction: VmscsiDataDirection): Promise<number> {
    const view = this.view;
    view.setUint32(OPERATION, VstorOperation.EXECUTE_SRB, true);
    view.setUint32(FLAGS, VSTOR_FLAG_REQUEST_COMPLETION, true);
    view.setUint32(STATUS, 0, true);
    view.setUint16(LENGTH, vmscsiRequestLength(version), true);
    view.setUint8(SRB_STATUS, 0);
    view.setUint8(SCSI_STATUS, 0);
    view.setUint8(LUN, lun);
    view.setUint8(CDB_LENGTH, cdbLength);
    view.setUint8(SENSE_INFO_LENGTH, VMSCSI_SENSE_SIZE);
    view.setUint8(DATA_IN, direction);
    view.setUint32(DATA_TRANSFER_LENGTH, length, true);
    const directionFlag = direction === VmscsiDataDirection.READ ? SrbFlag.DATA_IN : direction === VmscsiDataDirection.WRITE ? SrbFlag.DATA_OUT : 0;
    view.setUint32(SRB_FLAGS, SrbFlag.DISABLE_SYNCH_TRANSFER | directionFlag, true);
    const outgoing = this.outgoing;
    outgoing.length = vstorPacketLength(version);
    if (length > 0) {
      const range = this.range;
      const byteOffset = gpa % GUEST_PAGE_SIZE;
      const first = (gpa - byteOffset) / GUEST_PAGE_SIZE;
      const pages = Math.ceil((byteOffset + length) / GUEST_PAGE_SIZE);
      const pfns = this.pfns;
      // Set only on a change: the array length setter is a runtime call.
      if (pfns.length !== pages) pfns.length = pages;
      for (let i = 0; i < pages; i++) pfns[i] = first + i;
      range.byteOffset = byteOffset;
      range.byteCount = length;
      outgoing.gpaRanges = this.ranges;
    } else {
      outgoing.gpaRanges = undefined;
    }
    return new Promise<number>(this.capture);
  }

  /** The caller's buffer is not guest memory: `pages` I/O pages from `firstPfn` (of `pool`) carry its data. */
  throughPages(pool: IoPagePool, firstPfn: number, pages: number, bounce: Uint8Array, target: Uint8Array | undefined): void {
    this.pool = pool;
    this.bounceFirstPfn = firstPfn;
    this.bouncePages = pages;
    this.bounce = bounce;
    this.target = target;
  }

  /** The packet to send with `Channel.sendRequest`. */
  get outgoingPacket(): OutgoingPacket {
    return this.outgoing;
  }

  /** The host's completion: the vstor packet in its payload (bytes past its end read as 0). */
  completed(completion: IncomingPacket): void {
    const reply = completion.bytes;
    const base = completion.payloadOffset;
    const end = base + completion.payloadLength;
    if (u32(reply, base + OPERATION, end) !== VstorOperation.COMPLETE_IO) {
      return this.settle(true, undefined, new ProtocolError('storvsc EXECUTE_SRB: the completion is not a COMPLETE_IO packet', { layout: 'VstorPacket', path: 'operation', offset: OPERATION }));
    }
    const srbStatus = u8(reply, base + SRB_STATUS, end);
    const code = srbStatusCode(srbStatus);
    if (code === SrbStatus.SUCCESS || code === SrbStatus.DATA_OVERRUN) return this.settle(true, u32(reply, base + DATA_TRANSFER_LENGTH, end), undefined);
    const senseLength = Math.min(u8(reply, base + SENSE_INFO_LENGTH, end), VMSCSI_SENSE_SIZE);
    const sense = new Uint8Array(senseLength);
    for (let i = 0; i < senseLength; i++) sense[i] = u8(reply, base + CDB + i, end);
    this.settle(true, undefined, new ScsiCommandError(this.packet[CDB]!, this.packet[LUN]!, srbStatus, u8(reply, base + SCSI_STATUS, end), sense));
  }

  /** The channel ended before the host answered (or would not take the request). */
  abandoned(error: Error): void {
    this.settle(false, undefined, error);
  }

  private settle(answered: boolean, dataTransferred: number | undefined, error: Error | undefined): void {
    const resolve = this.resolve;
    const reject = this.reject;
    this.resolve = undefined;
    this.reject = undefined;
    const pool = this.pool;
    if (pool !== undefined) {
      if (dataTransferred !== undefined && this.target !== undefined) this.target.set(this.bounce!);
      pool.give(this.bounceFirstPfn, this.bouncePages);
      this.pool = undefined;
      this.bounce = undefined;
      this.target = undefined;
    }
    this.owner.srbDone(this, answered);
    if (error === undefined) resolve?.(dataTransferred!);
    else reject?.(error);
  }
}

/** The byte at `at` of `bytes`, 0 at or past `end`. */
function u8(bytes: Uint8Array, at: number, end: number): number {
  return at < end ? bytes[at]! : 0;
}

/** The u32 (little-endian) at `at` of `bytes`, its bytes at or past `end` read as 0. */
function u32(bytes: Uint8Array, at: number, end: number): number {
  return (u8(bytes, at, end) | (u8(bytes, at + 1, end) << 8) | (u8(bytes, at + 2, end) << 16)) + u8(bytes, at + 3, end) * 0x100_0000;
}

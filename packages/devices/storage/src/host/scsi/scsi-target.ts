import {
  AdditionalSense,
  FIXED_SENSE_LENGTH,
  ModePageControl,
  SERVICE_ACTION_READ_CAPACITY_16,
  ScsiOpcode,
  SenseKey,
  cdbLengthOf,
  writeFixedSense,
} from '../../protocol/index.js';
import { DiskReadOnlyError } from '../disk/disk-read-only-error.js';
import type { VirtualDisk } from '../disk/virtual-disk.js';
import { readBe16, readBe32, readBe64, writeBe32, writeBe64 } from './big-endian.js';
import { InquiryData, MAX_WRITE_SAME_BLOCKS } from './inquiry-data.js';
import { modeParameters } from './mode-parameters.js';
import type { ScsiOutcome } from './scsi-outcome.js';
import type { ScsiRequest } from './scsi-request.js';
import { UNMAP_HEADER_LENGTH, UnmapParameterList } from './unmap-parameter-list.js';

/** How a {@link ScsiTarget} presents its disk: plain data, from the VM's configuration. */
export interface ScsiTargetOptions {
  /** A GUID naming the disk: the serial number (VPD 0x80) and device identifiers (0x83) derive from it. */
  readonly identifier: string;
  /**
   * Serve UNMAP and WRITE SAME(16) with UNMAP, and say so in VPD 0xB2 (default: when the disk is
   * writable). Worth turning off where deallocating costs more than it saves (a raw image on a
   * file system without holes writes zeros).
   */
  readonly unmap?: boolean;
}

/**
 * The CDB length each operation code a target serves needs, by opcode (0: not served; REPORT
 * LUNS is its controller's). A table, not a set: it is looked up for every command.
 */
const SERVED_CDB_LENGTH = new Uint8Array(256);
for (const opcode of [
  ScsiOpcode.TEST_UNIT_READY,
  ScsiOpcode.REQUEST_SENSE,
  ScsiOpcode.READ_6,
  ScsiOpcode.WRITE_6,
  ScsiOpcode.INQUIRY,
  ScsiOpcode.MODE_SENSE_6,
  ScsiOpcode.START_STOP_UNIT,
  ScsiOpcode.READ_CAPACITY_10,
  ScsiOpcode.READ_10,
  ScsiOpcode.WRITE_10,
  ScsiOpcode.VERIFY_10,
  ScsiOpcode.SYNCHRONIZE_CACHE_10,
  ScsiOpcode.UNMAP,
  ScsiOpcode.MODE_SENSE_10,
  ScsiOpcode.READ_16,
  ScsiOpcode.WRITE_16,
  ScsiOpcode.VERIFY_16,
  ScsiOpcode.SYNCHRONIZE_CACHE_16,
  ScsiOpcode.WRITE_SAME_16,
  ScsiOpcode.SERVICE_ACTION_IN_16,
  ScsiOpcode.READ_12,
  ScsiOpcode.WRITE_12,
]) {
  SERVED_CDB_LENGTH[opcode] = cdbLengthOf(opcode);
}

/** CDB byte 1 of READ/WRITE(10, 12, 16): RDPROTECT/WRPROTECT, which this disk has no use for. */
const PROTECT = 0xe0;
/** CDB byte 1 of WRITE(10, 12, 16): force unit access, a flush after the write. */
const FUA = 0x08;
/** Largest buffer WRITE SAME replicates its block into, per disk write. */
const WRITE_SAME_CHUNK_BYTES = 1024 * 1024;

/**
 * The SCSI logical unit of one {@link VirtualDisk} (SPC-4, SBC-3): executes a CDB against the
 * request's data buffer and writes how it ended into a caller-owned {@link ScsiOutcome}. The
 * command set is PROTOCOLS.md §3's; any other operation code ends in CHECK CONDITION, ILLEGAL
 * REQUEST / INVALID COMMAND OPERATION CODE.
 *
 * Nothing a guest sends makes `execute` throw or reach outside the disk: each LBA range is checked
 * before the disk sees it, backend failures become MEDIUM ERROR or HARDWARE ERROR sense.
 * Transfer lengths are reconciled with the buffer thus: a buffer longer than the command needs
 * ends in DATA_OVERRUN with the bytes that moved (storvsp's way to report an underrun); a buffer
 * shorter than a READ, WRITE or UNMAP needs is refused with ILLEGAL REQUEST / INVALID FIELD IN CDB
 * before any I/O, so that no write is ever partial. Replies to INQUIRY and the like are cut to the
 * allocation length and the buffer, as SPC-4 says.
 *
 * Commands may run concurrently; the READ and WRITE path allocates nothing of its own, and when
 * the disk serves it synchronously no promise either.
 */
export class ScsiTarget {
  private readonly blockSize: number;
  private readonly blockCount: number;
  private readonly unmapServed: boolean;
  private readonly inquiryData: InquiryData;

  /** @throws RangeError - if `options.identifier` is not a GUID. */
  constructor(
    readonly disk: VirtualDisk,
    options: ScsiTargetOptions,
  ) {
    this.blockSize = disk.sectorSize;
    this.blockCount = disk.sizeBytes / disk.sectorSize;
    this.unmapServed = !disk.readOnly && (options.unmap ?? true);
    this.inquiryData = new InquiryData(disk, { identifier: options.identifier, unmap: this.unmapServed });
  }

  /**
   * Executes `request`. Returns undefined when the command is done already (its outcome is in
   * `outcome`): a READ or WRITE the disk served synchronously (see `VirtualDisk.readNow`), or a
   * command that needed no I/O. Otherwise returns a promise, never rejected, that resolves when
   * the outcome is there.
   */
  execute(request: ScsiRequest, outcome: ScsiOutcome): Promise<void> | undefined {
    return this.dispatch(request, outcome) ?? undefined;
  }

  /** Runs the command: a promise if it waits for the disk, nothing if it is done already. */
  private dispatch(request: ScsiRequest, outcome: ScsiOutcome): Promise<void> | void {
    const { cdb, cdbLength, data } = request;
    if (cdbLength < 1 || cdbLength > cdb.length) return invalidField(outcome);
    const opcode = cdb[0]!;
    if (cdbLength < SERVED_CDB_LENGTH[opcode]!) return invalidField(outcome);
    switch (opcode) {
      case ScsiOpcode.READ_6:
        return this.read(((cdb[1]! & 0x1f) << 16) | readBe16(cdb, 2), cdb[4]! || 256, 0, data, outcome);
      case ScsiOpcode.READ_10:
        return this.read(readBe32(cdb, 2), readBe16(cdb, 7), cdb[1]!, data, outcome);
      case ScsiOpcode.READ_12:
        return this.read(readBe32(cdb, 2), readBe32(cdb, 6), cdb[1]!, data, outcome);
      case ScsiOpcode.READ_16:
        return this.read(readBe64(cdb, 2), readBe32(cdb, 10), cdb[1]!, data, outcome);
      case ScsiOpcode.WRITE_6:
        return this.write(((cdb[1]! & 0x1f) << 16) | readBe16(cdb, 2), cdb[4]! || 256, 0, data, outcome);
      case ScsiOpcode.WRITE_10:
        return this.write(readBe32(cdb, 2), readBe16(cdb, 7), cdb[1]!, data, outcome);
      case ScsiOpcode.WRITE_12:
        return this.write(readBe32(cdb, 2), readBe32(cdb, 6), cdb[1]!, data, outcome);
      case ScsiOpcode.WRITE_16:
        return this.write(readBe64(cdb, 2), readBe32(cdb, 10), cdb[1]!, data, outcome);
      case ScsiOpcode.TEST_UNIT_READY:
      case ScsiOpcode.START_STOP_UNIT:
        return outcome.good(0, data.length);
      case ScsiOpcode.INQUIRY:
        return this.inquiry(cdb, data, outcome);
      case ScsiOpcode.REQUEST_SENSE:
        return requestSense(cdb, data, outcome);
      case ScsiOpcode.READ_CAPACITY_10:
        return this.readCapacity10(cdb, data, outcome);
      case ScsiOpcode.SERVICE_ACTION_IN_16:
        return this.readCapacity16(cdb, data, outcome);
      case ScsiOpcode.MODE_SENSE_6:
      case ScsiOpcode.MODE_SENSE_10:
        return this.modeSense(cdb, data, outcome);
      case ScsiOpcode.SYNCHRONIZE_CACHE_10:
        return this.synchronizeCache(readBe32(cdb, 2), readBe16(cdb, 7), data, outcome);
      case ScsiOpcode.SYNCHRONIZE_CACHE_16:
        return this.synchronizeCache(readBe64(cdb, 2), readBe32(cdb, 10), data, outcome);
      case ScsiOpcode.VERIFY_10:
        return this.verify(readBe32(cdb, 2), readBe16(cdb, 7), cdb[1]!, data, outcome);
      case ScsiOpcode.VERIFY_16:
        return this.verify(readBe64(cdb, 2), readBe32(cdb, 10), cdb[1]!, data, outcome);
      case ScsiOpcode.UNMAP:
        return this.unmap(cdb, data, outcome);
      case ScsiOpcode.WRITE_SAME_16:
        return this.writeSame(cdb, data, outcome);
      default:
        return outcome.checkCondition(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_COMMAND_OPERATION_CODE);
    }
  }

  /** Whether `blocks` blocks from `lba` lie on the disk (an empty range must start on it). */
  private outOfRange(lba: number, blocks: number): boolean {
    return lba >= this.blockCount || blocks > this.blockCount - lba;
  }

  private read(lba: number, blocks: number, flags: number, data: Uint8Array, outcome: ScsiOutcome): Promise<void> | void {
    if ((flags & PROTECT) !== 0) return invalidField(outcome);
    if (this.outOfRange(lba, blocks)) return lbaOutOfRange(outcome);
    const bytes = blocks * this.blockSize;
    if (bytes > data.length) return invalidField(outcome);
    if (bytes > 0) {
      const target = bytes === data.length ? data : data.subarray(0, bytes);
      const offset = lba * this.blockSize;
      try {
        if (this.disk.readNow?.(offset, target) !== true) return this.readLater(offset, target, data.length, outcome);
      } catch (error) {
        return failed(error, AdditionalSense.UNRECOVERED_READ_ERROR, outcome);
      }
    }
    outcome.good(bytes, data.length);
  }

  /** A read the disk could not serve at once. */
  private async readLater(offset: number, target: Uint8Array, bufferLength: number, outcome: ScsiOutcome): Promise<void> {
    try {
      await this.disk.read(offset, target);
    } catch (error) {
      return failed(error, AdditionalSense.UNRECOVERED_READ_ERROR, outcome);
    }
    outcome.good(target.length, bufferLength);
  }

  private write(lba: number, blocks: number, flags: number, data: Uint8Array, outcome: ScsiOutcome): Promise<void> | void {
    if ((flags & PROTECT) !== 0) return invalidField(outcome);
    if (this.outOfRange(lba, blocks)) return lbaOutOfRange(outcome);
    if (this.disk.readOnly) return writeProtected(outcome);
    const bytes = blocks * this.blockSize;
    if (bytes > data.length) return invalidField(outcome);
    if (bytes > 0) {
      const source = bytes === data.length ? data : data.subarray(0, bytes);
      const offset = lba * this.blockSize;
      const fua = (flags & FUA) !== 0;
      try {
        // Force unit access: a flush after the write, which never completes synchronously.
        if (fua || this.disk.writeNow?.(offset, source) !== true) return this.writeLater(offset, source, fua, data.length, outcome);
      } catch (error) {
        return failed(error, AdditionalSense.WRITE_ERROR, outcome);
      }
    }
    outcome.good(bytes, data.length);
  }

  /** A write the disk could not do at once, or one with force unit access. */
  private async writeLater(offset: number, source: Uint8Array, fua: boolean, bufferLength: number, outcome: ScsiOutcome): Promise<void> {
    try {
      await this.disk.write(offset, source);
      if (fua) await this.disk.flush();
    } catch (error) {
      return failed(error, AdditionalSense.WRITE_ERROR, outcome);
    }
    outcome.good(source.length, bufferLength);
  }

  /** INQUIRY (SPC-4 §6.6): standard data, or a vital product data page with EVPD. */
  private inquiry(cdb: Uint8Array, data: Uint8Array, outcome: ScsiOutcome): void {
    const evpd = (cdb[1]! & 0x01) !== 0;
    const obsoleteCmdDt = (cdb[1]! & 0x02) !== 0;
    const page = evpd ? this.inquiryData.vpd(cdb[2]!) : cdb[2] === 0 ? this.inquiryData.standard : undefined;
    if (obsoleteCmdDt || !page) return invalidField(outcome);
    respond(page, readBe16(cdb, 3), data, outcome);
  }

  /** READ CAPACITY(10): the last LBA (all ones beyond 32 bits, to send the guest to (16)) and the block size. */
  private readCapacity10(cdb: Uint8Array, data: Uint8Array, outcome: ScsiOutcome): void {
    const partialMediumIndicator = (cdb[8]! & 0x01) !== 0;
    if (!partialMediumIndicator && readBe32(cdb, 2) !== 0) return invalidField(outcome);
    const reply = new Uint8Array(8);
    writeBe32(reply, 0, Math.min(this.blockCount - 1, 0xffff_ffff));
    writeBe32(reply, 4, this.blockSize);
    respond(reply, reply.length, data, outcome);
  }

  /** SERVICE ACTION IN(16) / READ CAPACITY(16) (SBC-3 §5.16), with the provisioning bits of VPD 0xB2. */
  private readCapacity16(cdb: Uint8Array, data: Uint8Array, outcome: ScsiOutcome): void {
    if ((cdb[1]! & 0x1f) !== SERVICE_ACTION_READ_CAPACITY_16) return invalidField(outcome);
    const reply = new Uint8Array(32);
    writeBe64(reply, 0, this.blockCount - 1);
    writeBe32(reply, 8, this.blockSize);
    reply[13] = Math.log2(this.disk.physicalSectorSize / this.blockSize);
    if (this.unmapServed) reply[14] = 0x80 | 0x40; // LBPME, LBPRZ
    respond(reply, readBe32(cdb, 10), data, outcome);
  }

  /** MODE SENSE(6) and (10) (SPC-4 §6.11, §6.12): the caching page, alone or as all pages. */
  private modeSense(cdb: Uint8Array, data: Uint8Array, outcome: ScsiOutcome): void {
    const ten = cdb[0] === ScsiOpcode.MODE_SENSE_10;
    const pageControl = cdb[2]! >> 6;
    if (pageControl === ModePageControl.SAVED) {
      return outcome.checkCondition(SenseKey.ILLEGAL_REQUEST, AdditionalSense.SAVING_PARAMETERS_NOT_SUPPORTED);
    }
    const parameters = modeParameters(this.disk, {
      ten,
      disableBlockDescriptors: (cdb[1]! & 0x08) !== 0,
      longLba: (cdb[1]! & 0x10) !== 0,
      pageControl,
      page: cdb[2]! & 0x3f,
      subpage: cdb[3]!,
    });
    if (!parameters) return invalidField(outcome);
    respond(parameters, ten ? readBe16(cdb, 7) : cdb[4]!, data, outcome);
  }

  /** SYNCHRONIZE CACHE(10) and (16): a flush of the disk, whatever the range (zero blocks: to the end). */
  private async synchronizeCache(lba: number, blocks: number, data: Uint8Array, outcome: ScsiOutcome): Promise<void> {
    if (this.outOfRange(lba, blocks)) return lbaOutOfRange(outcome);
    try {
      await this.disk.flush();
    } catch (error) {
      return failed(error, AdditionalSense.WRITE_ERROR, outcome);
    }
    outcome.good(0, data.length);
  }

  /** VERIFY(10) and (16) without byte comparison (BYTCHK 0): the blocks are there if they are in range. */
  private verify(lba: number, blocks: number, flags: number, data: Uint8Array, outcome: ScsiOutcome): void {
    const byteCheck = flags & 0x06;
    if ((flags & PROTECT) !== 0 || byteCheck !== 0) return invalidField(outcome);
    if (this.outOfRange(lba, blocks)) return lbaOutOfRange(outcome);
    outcome.good(0, data.length);
  }

  /** UNMAP (SBC-3 §5.28): every descriptor is checked before any range is deallocated. */
  private async unmap(cdb: Uint8Array, data: Uint8Array, outcome: ScsiOutcome): Promise<void> {
    if (!this.unmapServed) {
      if (this.disk.readOnly) return writeProtected(outcome);
      return outcome.checkCondition(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_COMMAND_OPERATION_CODE);
    }
    const anchor = (cdb[1]! & 0x01) !== 0;
    const listLength = readBe16(cdb, 7);
    if (anchor || listLength > data.length) return invalidField(outcome);
    if (listLength === 0) return outcome.good(0, data.length);
    if (listLength < UNMAP_HEADER_LENGTH) {
      return outcome.checkCondition(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR);
    }
    const list = new UnmapParameterList(data.slice(0, listLength));
    const problem = list.check(this.blockCount);
    if (problem !== AdditionalSense.NO_ADDITIONAL_SENSE) return outcome.checkCondition(SenseKey.ILLEGAL_REQUEST, problem);
    try {
      for (let index = 0; index < list.count; index++) {
        const blocks = list.blocks(index);
        if (blocks > 0) await this.disk.unmap(list.lba(index) * this.blockSize, blocks * this.blockSize);
      }
    } catch (error) {
      return failed(error, AdditionalSense.INTERNAL_TARGET_FAILURE, outcome, SenseKey.HARDWARE_ERROR);
    }
    outcome.good(listLength, data.length);
  }

  /**
   * WRITE SAME(16) (SBC-3 §5.42): the one block of data-out written over the range, or the range
   * deallocated when the UNMAP bit is set, unmap is served and the block is zeros (what unmapped
   * blocks read as).
   */
  private async writeSame(cdb: Uint8Array, data: Uint8Array, outcome: ScsiOutcome): Promise<void> {
    const flags = cdb[1]!;
    const unmap = (flags & 0x08) !== 0;
    // WRPROTECT, ANCHOR, the obsolete PBDATA/LBDATA and NDOB: none served.
    if ((flags & (PROTECT | 0x10 | 0x06 | 0x01)) !== 0 || (unmap && !this.unmapServed)) return invalidField(outcome);
    const lba = readBe64(cdb, 2);
    const blocks = readBe32(cdb, 10);
    if (blocks === 0 || blocks > MAX_WRITE_SAME_BLOCKS) return invalidField(outcome);
    if (this.outOfRange(lba, blocks)) return lbaOutOfRange(outcome);
    if (this.disk.readOnly) return writeProtected(outcome);
    if (data.length < this.blockSize) return invalidField(outcome);
    const block = data.slice(0, this.blockSize);
    try {
      if (unmap && block.every((byte) => byte === 0)) {
        await this.disk.unmap(lba * this.blockSize, blocks * this.blockSize);
      } else {
        const chunkBlocks = Math.min(blocks, WRITE_SAME_CHUNK_BYTES / this.blockSize);
        const chunk = new Uint8Array(chunkBlocks * this.blockSize);
        for (let at = 0; at < chunk.length; at += this.blockSize) chunk.set(block, at);
        for (let done = 0; done < blocks; done += chunkBlocks) {
          const count = Math.min(chunkBlocks, blocks - done);
          await this.disk.write((lba + done) * this.blockSize, chunk.subarray(0, count * this.blockSize));
        }
      }
    } catch (error) {
      return failed(error, AdditionalSense.WRITE_ERROR, outcome);
    }
    outcome.good(this.blockSize, data.length);
  }
}

/** Copies as much of `reply` as the allocation length and the buffer allow, and ends GOOD. */
function respond(reply: Uint8Array, allocationLength: number, data: Uint8Array, outcome: ScsiOutcome): void {
  const length = Math.min(reply.length, allocationLength, data.length);
  for (let index = 0; index < length; index++) data[index] = reply[index]!;
  outcome.good(length, data.length);
}

/** REQUEST SENSE (SPC-4 §6.29): sense travels with each failed command, so nothing is pending. */
function requestSense(cdb: Uint8Array, data: Uint8Array, outcome: ScsiOutcome): void {
  const descriptorFormat = (cdb[1]! & 0x01) !== 0;
  if (descriptorFormat) return invalidField(outcome);
  const reply = new Uint8Array(FIXED_SENSE_LENGTH);
  writeFixedSense(reply, SenseKey.NO_SENSE, AdditionalSense.NO_ADDITIONAL_SENSE);
  respond(reply, cdb[4]!, data, outcome);
}

function invalidField(outcome: ScsiOutcome): void {
  outcome.checkCondition(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_CDB);
}

function lbaOutOfRange(outcome: ScsiOutcome): void {
  outcome.checkCondition(SenseKey.ILLEGAL_REQUEST, AdditionalSense.LBA_OUT_OF_RANGE);
}

function writeProtected(outcome: ScsiOutcome): void {
  outcome.checkCondition(SenseKey.DATA_PROTECT, AdditionalSense.WRITE_PROTECTED);
}

/** A backend failure: DATA PROTECT for a disk that turned read-only, else `key` (MEDIUM ERROR) with `additional`. */
function failed(error: unknown, additional: AdditionalSense, outcome: ScsiOutcome, key: SenseKey = SenseKey.MEDIUM_ERROR): void {
  if (error instanceof DiskReadOnlyError) return writeProtected(outcome);
  outcome.checkCondition(key, additional);
}

import { ScsiOpcode, VmscsiDataDirection } from '../protocol/index.js';
import { GUEST_PAGE_SIZE, type IoPagePool } from './io-page-pool.js';
import type { StorvscQueues } from './storvsc-queues.js';

/** What INQUIRY and READ CAPACITY said about a logical unit. */
export interface BlockDeviceIdentity {
  readonly vendor: string;
  readonly product: string;
  /** Logical blocks. */
  readonly blockCount: number;
  /** Bytes per logical block. */
  readonly sectorSize: number;
}

const TWO_32 = 0x1_0000_0000;

/**
 * One disk of a synthetic SCSI controller as the guest program sees it: sector reads and writes,
 * flush and trim, each a SCSI command (READ(16), WRITE(16), SYNCHRONIZE CACHE(10), UNMAP). Calls
 * may overlap: each is its own request in flight, on whichever of the controller's channels is
 * least loaded. A buffer that is a view of guest memory moves
 * in place; any other goes through the driver's I/O pages. Failures are `ScsiCommandError`s
 * (a write to a read-only disk: DATA PROTECT).
 */
export class ScsiBlockDevice {
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** Bytes per sector (logical block); reads and writes come in whole sectors. */
  readonly sectorSize: number;
  readonly vendor: string;
  readonly product: string;
  /** False once the host removed the disk. */
  present = true;

  constructor(
    /** The controller's channels, which requests spread over. */
    private readonly queues: StorvscQueues,
    private readonly pool: IoPagePool,
    readonly lun: number,
    identity: BlockDeviceIdentity,
  ) {
    this.sectorSize = identity.sectorSize;
    this.sizeBytes = identity.blockCount * identity.sectorSize;
    this.vendor = identity.vendor;
    this.product = identity.product;
  }

  /** Fills `target` (whole sectors) with the sectors from `lba`. */
  read(lba: number, target: Uint8Array): Promise<void> {
    return this.transfer(ScsiOpcode.READ_16, lba, target, VmscsiDataDirection.READ);
  }

  /** Writes `source` (whole sectors) to the sectors from `lba`. */
  write(lba: number, source: Uint8Array): Promise<void> {
    return this.transfer(ScsiOpcode.WRITE_16, lba, source, VmscsiDataDirection.WRITE);
  }

  /** Makes every completed write durable (SYNCHRONIZE CACHE). */
  async flush(): Promise<void> {
    const cdb = new Uint8Array(10);
    cdb[0] = ScsiOpcode.SYNCHRONIZE_CACHE_10;
    await this.queues.execute(this.lun, cdb);
  }

  /** Tells the disk that `count` sectors from `lba` are unused (UNMAP); they read as zeros afterwards. */
  async trim(lba: number, count: number): Promise<void> {
    this.checkRange(lba, count);
    const cdb = new Uint8Array(10);
    cdb[0] = ScsiOpcode.UNMAP;
    cdb[8] = 24; // parameter list length
    const pages = await this.pool.allocate(1);
    try {
      const list = new DataView(pages.bytes.buffer, pages.bytes.byteOffset, 24);
      list.setUint16(0, 22); // unmap data length
      list.setUint16(2, 16); // block descriptor data length
      list.setUint32(4, 0);
      setBe64(list, 8, lba);
      list.setUint32(16, count);
      list.setUint32(20, 0);
      await this.queues.execute(this.lun, cdb, { gpa: pages.firstPfn * GUEST_PAGE_SIZE, length: 24, direction: VmscsiDataDirection.WRITE });
    } finally {
      this.pool.release(pages);
    }
  }

  /** Reads or writes `buffer` in requests of at most the host's transfer limit. */
  private async transfer(opcode: number, lba: number, buffer: Uint8Array, direction: VmscsiDataDirection): Promise<void> {
    if (buffer.length % this.sectorSize !== 0) throw new RangeError(`a transfer of ${buffer.length} bytes is not whole sectors of ${this.sectorSize}`);
    const sectors = buffer.length / this.sectorSize;
    this.checkRange(lba, sectors);
    const limit = Math.max(this.sectorSize, this.queues.properties.maxTransferBytes - (this.queues.properties.maxTransferBytes % this.sectorSize));
    const chunks: Promise<void>[] = [];
    for (let at = 0; at < buffer.length; at += limit) {
      chunks.push(this.transferChunk(opcode, lba + at / this.sectorSize, buffer.subarray(at, Math.min(buffer.length, at + limit)), direction));
    }
    await Promise.all(chunks);
  }

  private async transferChunk(opcode: number, lba: number, buffer: Uint8Array, direction: VmscsiDataDirection): Promise<void> {
    const cdb = new Uint8Array(16);
    cdb[0] = opcode;
    const view = new DataView(cdb.buffer);
    setBe64(view, 2, lba);
    view.setUint32(10, buffer.length / this.sectorSize);
    if (buffer.buffer === this.queues.memory.buffer) {
      // Already in guest memory: the host moves the data in place.
      await this.queues.execute(this.lun, cdb, { gpa: buffer.byteOffset, length: buffer.length, direction });
      return;
    }
    const pages = await this.pool.allocate(Math.ceil(buffer.length / GUEST_PAGE_SIZE));
    try {
      const bounce = pages.bytes.subarray(0, buffer.length);
      if (direction === VmscsiDataDirection.WRITE) bounce.set(buffer);
      await this.queues.execute(this.lun, cdb, { gpa: pages.firstPfn * GUEST_PAGE_SIZE, length: buffer.length, direction });
      if (direction === VmscsiDataDirection.READ) buffer.set(bounce);
    } finally {
      this.pool.release(pages);
    }
  }

  private checkRange(lba: number, sectors: number): void {
    const blocks = this.sizeBytes / this.sectorSize;
    if (!(Number.isSafeInteger(lba) && lba >= 0 && Number.isSafeInteger(sectors) && sectors >= 0 && lba + sectors <= blocks)) {
      throw new RangeError(`sectors ${lba}+${sectors} are not on the disk of ${blocks} sectors`);
    }
  }
}

/** Writes `value` (a safe integer) big-endian as 64 bits at `offset`. */
function setBe64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, Math.floor(value / TWO_32));
  view.setUint32(offset + 4, value % TWO_32);
}


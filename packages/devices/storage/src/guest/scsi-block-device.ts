import { ScsiOpcode, VmscsiDataDirection } from '../protocol/index.js';
import { GUEST_PAGE_SIZE, type IoPagePool } from './io-page-pool.js';
import type { SrbRequest } from './srb-request.js';
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
/** What a transfer of no sectors resolves with, without a request. */
const NOTHING_MOVED = Promise.resolve(0);
/** Length of a READ(16) or WRITE(16) CDB. */
const READ_WRITE_16_CDB_LENGTH = 16;

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

  /** Fills `target` (whole sectors) with the sectors from `lba`; resolves with the bytes read. */
  read(lba: number, target: Uint8Array): Promise<number> {
    return this.transfer(ScsiOpcode.READ_16, lba, target, VmscsiDataDirection.READ);
  }

  /** Writes `source` (whole sectors) to the sectors from `lba`; resolves with the bytes written. */
  write(lba: number, source: Uint8Array): Promise<number> {
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

  /**
   * Reads or writes `buffer`: one request when it is within the host's transfer limit (the fast
   * path: a reused request, no closure, no copy of a buffer in guest memory), else several.
   * Resolves with the bytes that moved.
   */
  private transfer(opcode: number, lba: number, buffer: Uint8Array, direction: VmscsiDataDirection): Promise<number> {
    const sectorSize = this.sectorSize;
    if (buffer.length % sectorSize !== 0) return Promise.reject(new RangeError(`a transfer of ${buffer.length} bytes is not whole sectors of ${sectorSize}`));
    const sectors = buffer.length / sectorSize;
    const problem = this.rangeProblem(lba, sectors);
    if (problem !== undefined) return Promise.reject(problem);
    if (sectors === 0) return NOTHING_MOVED;
    const maxTransferBytes = this.queues.properties.maxTransferBytes;
    const limit = Math.max(sectorSize, maxTransferBytes - (maxTransferBytes % sectorSize));
    if (buffer.length <= limit) return this.transferChunk(opcode, lba, buffer, direction);
    const chunks: Promise<number>[] = [];
    for (let at = 0; at < buffer.length; at += limit) {
      chunks.push(this.transferChunk(opcode, lba + at / sectorSize, buffer.subarray(at, Math.min(buffer.length, at + limit)), direction));
    }
    return Promise.all(chunks).then((moved) => moved.reduce((sum, bytes) => sum + bytes, 0));
  }

  /**
   * One request of `buffer` (within the transfer limit) on the least loaded channel. A buffer in
   * guest memory moves in place; any other goes through the driver's I/O pages. With every channel
   * full or no pages free, it waits for them first.
   */
  private transferChunk(opcode: number, lba: number, buffer: Uint8Array, direction: VmscsiDataDirection): Promise<number> {
    const channel = this.queues.pick();
    if (channel === undefined) return this.queues.room().then(() => this.transferChunk(opcode, lba, buffer, direction));
    const memory = this.queues.memory.buffer;
    const length = buffer.length;
    let gpa = buffer.byteOffset;
    let request: SrbRequest;
    if (buffer.buffer === memory) {
      request = channel.take();
    } else {
      const pages = Math.ceil(length / GUEST_PAGE_SIZE);
      if (pages > this.pool.pageCount) return Promise.reject(new RangeError(`a transfer of ${length} bytes needs more than the ${this.pool.pageCount} I/O pages`));
      const firstPfn = this.pool.tryTake(pages);
      if (firstPfn < 0) return this.pool.room().then(() => this.transferChunk(opcode, lba, buffer, direction));
      gpa = firstPfn * GUEST_PAGE_SIZE;
      const bounce = new Uint8Array(memory, gpa, length);
      if (direction === VmscsiDataDirection.WRITE) bounce.set(buffer);
      request = channel.take();
      request.throughPages(this.pool, firstPfn, pages, bounce, direction === VmscsiDataDirection.READ ? buffer : undefined);
    }
    request.setReadWrite16(opcode, lba, length / this.sectorSize);
    return channel.start(request, this.lun, READ_WRITE_16_CDB_LENGTH, gpa, length, direction);
  }

  private checkRange(lba: number, sectors: number): void {
    const problem = this.rangeProblem(lba, sectors);
    if (problem !== undefined) throw problem;
  }

  /** Why `sectors` sectors from `lba` are not on the disk, or undefined when they are. */
  private rangeProblem(lba: number, sectors: number): RangeError | undefined {
    const blocks = this.sizeBytes / this.sectorSize;
    if (!(Number.isSafeInteger(lba) && lba >= 0 && Number.isSafeInteger(sectors) && sectors >= 0 && lba + sectors <= blocks)) {
      return new RangeError(`sectors ${lba}+${sectors} are not on the disk of ${blocks} sectors`);
    }
    return undefined;
  }
}

/** Writes `value` (a safe integer) big-endian as 64 bits at `offset`. */
function setBe64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, Math.floor(value / TWO_32));
  view.setUint32(offset + 4, value % TWO_32);
}


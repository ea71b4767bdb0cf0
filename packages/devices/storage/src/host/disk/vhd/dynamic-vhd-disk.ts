import type { FileHandle } from 'node:fs/promises';
import { checkDiskRange } from '../disk-range.js';
import { DiskReadOnlyError } from '../disk-read-only-error.js';
import type { VirtualDisk } from '../virtual-disk.js';
import { readFully, readRegion, writeFully, writeZeros } from '../positioned-io.js';
import { VHD_UNALLOCATED, VhdBlockAllocationTable } from './vhd-block-allocation-table.js';
import { VHD_DYNAMIC_HEADER_SIZE, decodeVhdDynamicHeader } from './vhd-dynamic-header.js';
import { VHD_FOOTER_SIZE, type LocatedVhdFooter } from './vhd-footer.js';
import { VhdFormatError } from './vhd-format-error.js';

/** What is known of a block's sector bitmap. */
const BITMAP_UNKNOWN = 0;
/** Every sector of the block is present: reads and writes need not look at the bitmap. */
const BITMAP_FULL = 1;
/** Some sector bits are clear: those sectors read as zeros, and writes set their bits. */
const BITMAP_PARTIAL = 2;

/**
 * A dynamic VHD (PROTOCOLS.md §7): the disk is cut into blocks, each stored (sector bitmap, then
 * data) where the block allocation table says, or not at all and read as zeros.
 *
 * A write to an unallocated block appends the block at the first free offset. The steps are
 * ordered so that a crash at any point leaves a consistent image: the footer moves to the new end
 * of the file first (the file's last sector is always a footer), then the block is written in full
 * (an all-ones bitmap, the data, zeros for the rest), made durable, and only then does the BAT
 * entry point at it. A crash before the BAT entry leaves an unreachable block that the next
 * allocation overwrites.
 *
 * Reads honour the sector bitmap: a sector whose bit is clear reads as zeros. Blocks tsvisor and
 * qemu allocate have all bits set; for images with partial bitmaps, a write sets the bits of the
 * sectors it wrote, after the data.
 *
 * UNMAP cannot give a block back in place (the BAT entry and the file's layout would have to
 * change under concurrent I/O, and a crash midway could expose stale data), so it writes zeros
 * over the allocated part of the range: reads return zeros afterwards, as the guest expects.
 */
export class DynamicVhdDisk implements VirtualDisk {
  readonly format = 'vhd';
  readonly sectorSize = 512;
  readonly physicalSectorSize = 512;
  /** Bytes of a block's sector bitmap: one bit per sector, padded to whole sectors. */
  readonly #bitmapSize: number;
  /** The bitmap of a newly allocated block: every sector present. */
  readonly #fullBitmap: Uint8Array;
  /** Per block: BITMAP_UNKNOWN, BITMAP_FULL or BITMAP_PARTIAL. */
  readonly #bitmapStates: Uint8Array;
  #fileSize: number;
  /** Allocations and bitmap updates, one at a time. */
  #metadataUpdates: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    readonly sizeBytes: number,
    readonly readOnly: boolean,
    private readonly blockSize: number,
    private readonly tableOffset: number,
    private readonly bat: VhdBlockAllocationTable,
    private readonly footerBytes: Uint8Array,
    fileSize: number,
  ) {
    this.#bitmapSize = bitmapSize(blockSize);
    this.#fullBitmap = new Uint8Array(this.#bitmapSize).fill(0xff);
    this.#bitmapStates = new Uint8Array(bat.length);
    this.#fileSize = fileSize;
  }

  /**
   * Reads and validates the dynamic header and the block allocation table of an open file. A file
   * found without its trailing footer, opened for writing, gets it back.
   * @param file - Open for reading (and writing unless `readOnly`); the disk owns it from now on.
   * @param fileSize - The file's size when opened.
   * @throws {@link VhdFormatError} naming the field if the header or the table is malformed or
   *   points outside the file.
   */
  static async open(path: string, file: FileHandle, found: LocatedVhdFooter, fileSize: number, readOnly: boolean): Promise<DynamicVhdDisk> {
    const { footer } = found;
    // Structures end before the trailing footer; without one (a crash while another writer was
    // appending a block), anywhere in the file.
    const structuresEnd = found.trailing ? fileSize - VHD_FOOTER_SIZE : fileSize;
    const headerOffset = footer.dynamicHeaderOffset!;
    if (headerOffset + VHD_DYNAMIC_HEADER_SIZE > structuresEnd) {
      throw new VhdFormatError(path, 'footer.dataOffset', `is ${headerOffset}, but a dynamic header there would end beyond byte ${structuresEnd}`);
    }
    const header = decodeVhdDynamicHeader(await readRegion(file, headerOffset, VHD_DYNAMIC_HEADER_SIZE), path);
    const blocks = Math.ceil(footer.currentSize / header.blockSize);
    if (blocks > header.maxTableEntries) {
      throw new VhdFormatError(path, 'dynamicHeader.maxTableEntries', `is ${header.maxTableEntries}, fewer than the ${blocks} blocks of a ${footer.currentSize}-byte disk`);
    }
    const tableEnd = header.tableOffset + header.maxTableEntries * 4;
    if (tableEnd > structuresEnd) {
      throw new VhdFormatError(path, 'dynamicHeader.tableOffset', `places a ${header.maxTableEntries}-entry table at ${header.tableOffset}, ending beyond byte ${structuresEnd}`);
    }
    const table = await readRegion(file, header.tableOffset, blocks * 4);
    const bat = VhdBlockAllocationTable.decode(table, {
      path,
      blockSpan: bitmapSize(header.blockSize) + header.blockSize,
      blocksEnd: structuresEnd,
      metadata: [
        { start: 0, end: VHD_FOOTER_SIZE, field: 'footer copy' },
        { start: headerOffset, end: headerOffset + VHD_DYNAMIC_HEADER_SIZE, field: 'dynamicHeader' },
        { start: header.tableOffset, end: tableEnd, field: 'dynamicHeader.tableOffset' },
      ],
    });
    let size = fileSize;
    if (!found.trailing && !readOnly) {
      // Put the footer back where it belongs, past every block, dropping the partial block after it.
      size = bat.nextFreeOffset + VHD_FOOTER_SIZE;
      await writeFully(file, found.bytes, bat.nextFreeOffset);
      await file.truncate(size);
    }
    return new DynamicVhdDisk(path, file, footer.currentSize, readOnly, header.blockSize, header.tableOffset, bat, found.bytes, size);
  }

  async read(offset: number, target: Uint8Array): Promise<void> {
    checkDiskRange(this, offset, target.length);
    for (let done = 0; done < target.length; ) {
      const { block, inBlock, length } = this.#locate(offset + done, target.length - done);
      const segment = target.subarray(done, done + length);
      const blockOffset = this.bat.blockOffset(block);
      if (blockOffset === undefined) {
        segment.fill(0);
      } else {
        await readFully(this.file, segment, blockOffset + this.#bitmapSize + inBlock);
        await this.#zeroAbsentSectors(block, blockOffset, inBlock, segment);
      }
      done += length;
    }
  }

  async write(offset: number, source: Uint8Array): Promise<void> {
    if (this.readOnly) throw new DiskReadOnlyError(this.path);
    checkDiskRange(this, offset, source.length);
    for (let done = 0; done < source.length; ) {
      const { block, inBlock, length } = this.#locate(offset + done, source.length - done);
      const segment = source.subarray(done, done + length);
      const allocated =
        this.bat.blockOffset(block) === undefined &&
        (await this.#exclusively(async () => {
          // Another write may have allocated the block while this one waited.
          if (this.bat.blockOffset(block) !== undefined) return false;
          await this.#allocate(block, inBlock, segment);
          return true;
        }));
      if (!allocated) await this.#writeToBlock(block, this.bat.blockOffset(block)!, inBlock, segment);
      done += length;
    }
  }

  flush(): Promise<void> {
    return this.file.sync();
  }

  async unmap(offset: number, length: number): Promise<void> {
    if (this.readOnly) throw new DiskReadOnlyError(this.path);
    checkDiskRange(this, offset, length);
    for (let done = 0; done < length; ) {
      const { block, inBlock, length: part } = this.#locate(offset + done, length - done);
      const blockOffset = this.bat.blockOffset(block);
      // Unallocated blocks already read as zeros; sectors whose bitmap bit is clear too.
      if (blockOffset !== undefined) {
        const start = blockOffset + this.#bitmapSize + inBlock;
        await writeZeros(this.file, start, start + part);
      }
      done += part;
    }
  }

  close(): Promise<void> {
    return this.readOnly ? this.file.close() : this.file.sync().then(() => this.file.close());
  }

  /** The block holding disk byte `position`, the offset in it, and how much of `length` it holds. */
  #locate(position: number, length: number): { block: number; inBlock: number; length: number } {
    const block = Math.floor(position / this.blockSize);
    const inBlock = position - block * this.blockSize;
    return { block, inBlock, length: Math.min(length, this.blockSize - inBlock) };
  }

  /** Runs `update` after every metadata update queued before it. */
  #exclusively<T>(update: () => Promise<T>): Promise<T> {
    const done = this.#metadataUpdates.then(update);
    this.#metadataUpdates = done.catch(() => undefined);
    return done;
  }

  /** Appends block `block` holding `segment` at `inBlock`; see the class comment for the order. */
  async #allocate(block: number, inBlock: number, segment: Uint8Array): Promise<void> {
    const blockOffset = this.bat.nextFreeOffset;
    if (blockOffset / 512 >= VHD_UNALLOCATED) throw new RangeError(`${this.path}: the VHD file is full (a block cannot start past 2 TiB)`);
    const dataOffset = blockOffset + this.#bitmapSize;
    const blockEnd = dataOffset + this.blockSize;
    // What of the block the file already holds (left by an interrupted allocation) is not zeros.
    const staleEnd = Math.min(this.#fileSize, blockEnd);
    await writeFully(this.file, this.footerBytes, blockEnd);
    if (this.#fileSize > blockEnd + VHD_FOOTER_SIZE) await this.file.truncate(blockEnd + VHD_FOOTER_SIZE);
    this.#fileSize = blockEnd + VHD_FOOTER_SIZE;
    await writeZeros(this.file, dataOffset, staleEnd);
    await writeFully(this.file, this.#fullBitmap, blockOffset);
    await writeFully(this.file, segment, dataOffset + inBlock);
    // The block must be durable before the entry that makes it reachable.
    await this.file.datasync();
    const entry = new Uint8Array(4);
    new DataView(entry.buffer).setUint32(0, blockOffset / 512);
    await writeFully(this.file, entry, this.tableOffset + block * 4);
    this.bat.record(block, blockOffset);
    this.#bitmapStates[block] = BITMAP_FULL;
  }

  async #writeToBlock(block: number, blockOffset: number, inBlock: number, segment: Uint8Array): Promise<void> {
    await writeFully(this.file, segment, blockOffset + this.#bitmapSize + inBlock);
    if (await this.#isFull(block, blockOffset)) return;
    // The bits follow the data: a crash between leaves the sectors reading as before, zeros.
    await this.#exclusively(() => this.#markPresent(blockOffset, inBlock / 512, segment.length / 512));
  }

  /** Whether every sector of the block is present, reading its bitmap the first time. */
  async #isFull(block: number, blockOffset: number): Promise<boolean> {
    if (this.#bitmapStates[block] === BITMAP_UNKNOWN) {
      const bitmap = await readRegion(this.file, blockOffset, this.blockSize / 512 / 8);
      this.#bitmapStates[block] = bitmap.every((bits) => bits === 0xff) ? BITMAP_FULL : BITMAP_PARTIAL;
    }
    return this.#bitmapStates[block] === BITMAP_FULL;
  }

  /** Zeros the sectors of `segment` (at `inBlock` in the block) whose bitmap bit is clear. */
  async #zeroAbsentSectors(block: number, blockOffset: number, inBlock: number, segment: Uint8Array): Promise<void> {
    if (await this.#isFull(block, blockOffset)) return;
    const first = inBlock / 512;
    const count = segment.length / 512;
    const { bits, firstByte } = await this.#readBits(blockOffset, first, count);
    for (let i = 0; i < count; i++) {
      if (!isPresent(bits, first + i, firstByte)) segment.fill(0, i * 512, (i + 1) * 512);
    }
  }

  /** Sets the bitmap bits of `count` sectors from `first`, writing back the bytes that changed. */
  async #markPresent(blockOffset: number, first: number, count: number): Promise<void> {
    const { bits, firstByte } = await this.#readBits(blockOffset, first, count);
    let changed = false;
    for (let sector = first; sector < first + count; sector++) {
      if (isPresent(bits, sector, firstByte)) continue;
      bits[(sector >> 3) - firstByte]! |= 0x80 >> (sector & 7);
      changed = true;
    }
    if (changed) await writeFully(this.file, bits, blockOffset + firstByte);
  }

  /** The bitmap bytes covering `count` sectors from `first`, and the index of the first of them. */
  async #readBits(blockOffset: number, first: number, count: number): Promise<{ bits: Uint8Array; firstByte: number }> {
    const firstByte = first >> 3;
    const bits = await readRegion(this.file, blockOffset + firstByte, ((first + count - 1) >> 3) - firstByte + 1);
    return { bits, firstByte };
  }
}

/** Bytes of the sector bitmap of a block of `blockSize`: one bit per sector, padded to sectors. */
function bitmapSize(blockSize: number): number {
  return Math.ceil(blockSize / 512 / 8 / 512) * 512;
}

/** Whether `sector`'s bit is set in `bits` (which start at bitmap byte `firstByte`): most significant bit first. */
function isPresent(bits: Uint8Array, sector: number, firstByte: number): boolean {
  return (bits[(sector >> 3) - firstByte]! & (0x80 >> (sector & 7))) !== 0;
}

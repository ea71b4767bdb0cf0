import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Guid } from '@tsvisor/wire';
import { checkDiskRange, diskRangeProblem } from '../disk-range.js';
import { DiskReadOnlyError } from '../disk-read-only-error.js';
import type { VirtualDisk } from '../virtual-disk.js';
import { PayloadBlockState, SECTOR_BITMAP_BLOCK_SIZE, SectorBitmapState, VhdxBat } from './vhdx-bat.js';
import { checkVhdxFileIdentifier } from './vhdx-file-identifier.js';
import { VhdxFormatError } from './vhdx-format-error.js';
import { currentVhdxHeader, decodeVhdxHeader, NIL_GUID } from './vhdx-header.js';
import { VhdxHeaders } from './vhdx-headers.js';
import { VhdxImageFile } from './vhdx-image-file.js';
import { alignUp, VhdxLayout } from './vhdx-layout.js';
import { VhdxLog } from './vhdx-log.js';
import { decodeVhdxMetadata, type VhdxMetadata } from './vhdx-metadata.js';
import type { VhdxParentLocator } from './vhdx-parent-locator.js';
import { decodeVhdxRegionTable, overlap, type VhdxRegion, type VhdxRegions } from './vhdx-region-table.js';

/** Longest chain of differencing images followed; also what stops a chain that loops. */
const MAX_CHAIN_LENGTH = 16;
const SECTOR = VhdxLayout.logSectorSize;
/** What a read that needed no I/O returns. */
const DONE = Promise.resolve();

/** A 4 KiB sector of metadata to write through the log. */
interface MetadataSector {
  readonly fileOffset: number;
  readonly data: Uint8Array;
}

/**
 * A VHDX image (MS-VHDX; PROTOCOLS.md §7): fixed, dynamic or differencing. Opening validates
 * every structure and replays a pending log. Writes allocate payload blocks at the 1 MiB-aligned
 * end of the file, write the data, then update BAT and sector bitmap sectors through the log, so a
 * crash at any point leaves a file that opens (replaying the log) with every flushed write intact.
 * Mutations run one at a time; reads run alongside them.
 *
 * UNMAP turns whole blocks to the ZERO state, keeping their space for reuse (the spec lets
 * ZERO blocks keep an offset); where blocks must stay allocated (fixed images) or the range covers
 * part of a block, it writes zeros. No space is given back to the file system.
 */
export class VhdxDisk implements VirtualDisk {
  readonly format = 'vhdx';
  readonly sizeBytes: number;
  readonly sectorSize: number;
  readonly physicalSectorSize: number;
  /** Set once this session has updated the header's write GUIDs and opened a log. */
  private log: VhdxLog | undefined;
  /** The tail of the mutation queue: writes, unmaps, flushes and close run in order. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: VhdxImageFile,
    private readonly headers: VhdxHeaders,
    private readonly regions: VhdxRegions,
    /** What payload blocks must not overlap: the header section, the log and the regions. */
    private readonly reserved: readonly VhdxRegion[],
    private readonly metadata: VhdxMetadata,
    private readonly bat: VhdxBat,
    private readonly parent: VhdxDisk | undefined,
    readonly readOnly: boolean,
  ) {
    this.sizeBytes = metadata.virtualDiskSize;
    this.sectorSize = metadata.logicalSectorSize;
    this.physicalSectorSize = Math.max(metadata.physicalSectorSize, metadata.logicalSectorSize);
  }

  /**
   * Opens the image at `path`, validating it; read-write, replays a pending log first.
   * @param chainLength - How many children led here (differencing chains are followed up to 16).
   * @throws {@link VhdxFormatError} naming the structure and field that break MS-VHDX.
   */
  static async open(path: string, readOnly: boolean, chainLength = 0): Promise<VhdxDisk> {
    const file = await VhdxImageFile.open(path, readOnly);
    try {
      return await VhdxDisk.decode(file, readOnly, chainLength);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  private static async decode(file: VhdxImageFile, readOnly: boolean, chainLength: number): Promise<VhdxDisk> {
    checkVhdxFileIdentifier(await file.read(0, 8, 'file identifier', 'signature'));
    const copies = await Promise.all(
      VhdxLayout.headerOffsets.map(async (offset, i) => {
        try {
          return decodeVhdxHeader(await file.read(offset, VhdxLayout.headerSize, `header ${i + 1}`, 'signature'), i + 1, file.size);
        } catch (error) {
          if (error instanceof VhdxFormatError) return error;
          throw error;
        }
      }),
    );
    const { header, slot } = currentVhdxHeader([copies[0]!, copies[1]!]);
    const headers = new VhdxHeaders(file, header, slot);
    const regions = await VhdxDisk.decodeRegions(file);
    const log: VhdxRegion = { fileOffset: header.logOffset, length: header.logLength };
    if (overlap(log, regions.bat) || overlap(log, regions.metadata)) {
      throw new VhdxFormatError('header', 'logOffset', 'the log overlaps the BAT or metadata region');
    }
    if (header.logGuid !== NIL_GUID) await VhdxDisk.recover(file, headers, readOnly);

    const { metadata: where } = regions;
    const metadata = await decodeVhdxMetadata(where.length, (offset, length, field) =>
      file.read(where.fileOffset + offset, length, 'metadata', field),
    );
    const tableSize = VhdxBat.tableSize(metadata);
    if (tableSize > regions.bat.length) {
      throw new VhdxFormatError('region table 1', 'BAT.length', `${regions.bat.length} bytes cannot hold the ${tableSize}-byte BAT`);
    }
    const reserved: VhdxRegion[] = [{ fileOffset: 0, length: VhdxLayout.headerSectionSize }, log, regions.bat, regions.metadata];
    const table = await file.read(regions.bat.fileOffset, tableSize, 'BAT', 'entries');
    const bat = VhdxBat.decode(table, metadata, file.size, reserved);
    const parent = metadata.parentLocator && (await VhdxDisk.openParent(file.path, metadata, metadata.parentLocator, chainLength));
    return new VhdxDisk(file, headers, regions, reserved, metadata, bat, parent, readOnly);
  }

  /** The first valid region table copy. */
  private static async decodeRegions(file: VhdxImageFile): Promise<VhdxRegions> {
    let firstError: VhdxFormatError | undefined;
    for (const [i, offset] of VhdxLayout.regionTableOffsets.entries()) {
      try {
        return decodeVhdxRegionTable(await file.read(offset, VhdxLayout.regionTableSize, `region table ${i + 1}`, 'signature'), i + 1, file.size);
      } catch (error) {
        if (!(error instanceof VhdxFormatError)) throw error;
        firstError ??= error;
      }
    }
    throw firstError!;
  }

  /** Replays the log and clears the log GUID; read-only, refuses an image whose log needs replaying. */
  private static async recover(file: VhdxImageFile, headers: VhdxHeaders, readOnly: boolean): Promise<void> {
    if (readOnly) {
      if ((await VhdxLog.activeSequence(file, headers.current)).length > 0) {
        throw new VhdxFormatError('header', 'logGuid', 'the log needs replaying: open the image read-write first');
      }
      return;
    }
    await VhdxLog.replay(file, headers.current);
    await headers.update({ logGuid: NIL_GUID });
  }

  private static async openParent(path: string, metadata: VhdxMetadata, locator: VhdxParentLocator, chainLength: number): Promise<VhdxDisk> {
    if (chainLength + 1 >= MAX_CHAIN_LENGTH) {
      throw new VhdxFormatError('parent locator', 'relative_path', `the chain of parents is longer than ${MAX_CHAIN_LENGTH} images`);
    }
    const windowsToPosix = (text: string) => text.replaceAll('\\', '/');
    const candidates = [locator.relativePath, locator.absoluteWin32Path]
      .filter((candidate) => candidate !== undefined)
      .map((candidate) => resolve(dirname(path), windowsToPosix(candidate)));
    let found: string | undefined;
    for (const candidate of candidates) {
      if (await access(candidate).then(() => true, () => false)) {
        found = candidate;
        break;
      }
    }
    if (found === undefined) throw new VhdxFormatError('parent locator', 'relative_path', `no parent image at ${candidates.join(' or ') || '(no path)'}`);
    const parent = await VhdxDisk.open(found, true, chainLength + 1);
    const problem =
      parent.dataWriteGuid !== locator.parentLinkage && parent.dataWriteGuid !== locator.parentLinkage2
        ? new VhdxFormatError('parent locator', 'parent_linkage', `${locator.parentLinkage} is not the data write GUID of ${found}`)
        : parent.sizeBytes !== metadata.virtualDiskSize || parent.sectorSize !== metadata.logicalSectorSize
          ? new VhdxFormatError('metadata', 'virtualDiskSize', `the parent ${found} differs in size or sector size`)
          : undefined;
    if (problem === undefined) return parent;
    await parent.close();
    throw problem;
  }

  /** The parent images this differencing image reads, nearest first (none for a base image). */
  get backingFiles(): readonly string[] {
    return this.parent ? [this.parent.file.path, ...this.parent.backingFiles] : [];
  }

  /** The data write GUID a child's parent_linkage must name. */
  get dataWriteGuid(): Guid {
    return this.headers.current.dataWriteGuid;
  }

  read(offset: number, target: Uint8Array): Promise<void> {
    const problem = diskRangeProblem(this, offset, target.length);
    if (problem !== undefined) return Promise.reject(problem);
    const { blockSize } = this.metadata;
    const block = Math.floor(offset / blockSize);
    const inBlock = offset - block * blockSize;
    // Within one block (a guest request that does not straddle two): no loop, no extra promise.
    if (inBlock + target.length <= blockSize) return this.readBlock(block, inBlock, target);
    return this.readBlocks(offset, target);
  }

  /**
   * A read within one block, done now where that needs no metadata: a fully present block read
   * inline by the file's I/O thread, or a block that reads as zeros. Partially present blocks,
   * parents and reads across blocks go through {@link VhdxDisk.read}.
   */
  readNow(offset: number, target: Uint8Array): boolean {
    checkDiskRange(this, offset, target.length);
    const { blockSize } = this.metadata;
    const block = Math.floor(offset / blockSize);
    const inBlock = offset - block * blockSize;
    if (inBlock + target.length > blockSize) return false;
    const index = this.bat.payloadIndex(block);
    const state = this.bat.stateOf(index);
    if (state === PayloadBlockState.fullyPresent) return this.file.readIntoNow(target, this.bat.fileOffsetOf(index) + inBlock, 'payload block', 'blocks', block);
    if (state === PayloadBlockState.partiallyPresent || (state === PayloadBlockState.notPresent && this.parent !== undefined)) return false;
    target.fill(0);
    return true;
  }

  private async readBlocks(offset: number, target: Uint8Array): Promise<void> {
    const { blockSize } = this.metadata;
    for (let done = 0; done < target.length; ) {
      const position = offset + done;
      const block = Math.floor(position / blockSize);
      const inBlock = position - block * blockSize;
      const length = Math.min(blockSize - inBlock, target.length - done);
      await this.readBlock(block, inBlock, target.subarray(done, done + length));
      done += length;
    }
  }

  private readBlock(block: number, inBlock: number, part: Uint8Array): Promise<void> {
    const index = this.bat.payloadIndex(block);
    const state = this.bat.stateOf(index);
    if (state === PayloadBlockState.fullyPresent) return this.file.readInto(part, this.bat.fileOffsetOf(index) + inBlock, 'payload block', 'blocks', block);
    if (state === PayloadBlockState.partiallyPresent) return this.readPartialBlock(block, this.bat.fileOffsetOf(index), inBlock, part);
    if (state === PayloadBlockState.notPresent && this.parent !== undefined) return this.parent.read(block * this.metadata.blockSize + inBlock, part);
    part.fill(0);
    return DONE;
  }

  /** Reads from a partially present block: runs of sectors whose bitmap bit is set from here, the others from the parent. */
  private async readPartialBlock(block: number, fileOffset: number, inBlock: number, part: Uint8Array): Promise<void> {
    const bits = await this.bitmapBits(block, inBlock, part.length);
    const count = part.length / this.sectorSize;
    for (let run = 0; run < count; ) {
      const present = bits(run);
      let end = run + 1;
      while (end < count && bits(end) === present) end++;
      const piece = part.subarray(run * this.sectorSize, end * this.sectorSize);
      const at = inBlock + run * this.sectorSize;
      if (present) await this.file.readInto(piece, fileOffset + at, 'payload block', 'blocks', block);
      else await this.parent!.read(block * this.metadata.blockSize + at, piece);
      run = end;
    }
  }

  /** Whether each sector of `length` bytes at `inBlock` of `block` is here, from its sector bitmap. */
  private async bitmapBits(block: number, inBlock: number, length: number): Promise<(sector: number) => boolean> {
    const { chunkRatio } = this.bat;
    const bitmap = this.bat.entry(this.bat.bitmapIndex(Math.floor(block / chunkRatio)));
    const first = ((block % chunkRatio) * this.metadata.blockSize + inBlock) / this.sectorSize;
    const start = Math.floor(first / 8);
    const end = Math.ceil((first + length / this.sectorSize) / 8);
    const bytes = await this.file.read(bitmap.fileOffset + start, end - start, 'sector bitmap', `blocks[${block}]`);
    const shift = first - start * 8;
    return (sector) => ((bytes[(sector + shift) >> 3]! >> ((sector + shift) & 7)) & 1) === 1;
  }

  async write(offset: number, source: Uint8Array): Promise<void> {
    if (this.readOnly) throw new DiskReadOnlyError(this.file.path);
    checkDiskRange(this, offset, source.length);
    await this.serialized(async () => {
      await this.startWriting();
      const { blockSize } = this.metadata;
      for (let done = 0; done < source.length; ) {
        const position = offset + done;
        const block = Math.floor(position / blockSize);
        const inBlock = position - block * blockSize;
        const length = Math.min(blockSize - inBlock, source.length - done);
        await this.writeBlock(block, inBlock, source.subarray(done, done + length));
        done += length;
      }
    });
  }

  /** Runs `mutation` after every mutation queued before it. */
  private serialized<T>(mutation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(mutation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Before the first change: new file and data write GUIDs and a fresh log GUID in a new header. */
  private async startWriting(): Promise<void> {
    if (this.log !== undefined) return;
    await this.headers.update({ fileWriteGuid: randomUUID(), dataWriteGuid: randomUUID(), logGuid: randomUUID() });
    this.log = new VhdxLog(this.file, this.headers.current);
  }

  /** Bytes of the disk that block `block` holds (the last block may be cut short). */
  private blockLength(block: number): number {
    return Math.min(this.metadata.blockSize, this.sizeBytes - block * this.metadata.blockSize);
  }

  private async writeBlock(block: number, inBlock: number, part: Uint8Array): Promise<void> {
    const index = this.bat.payloadIndex(block);
    const { state, fileOffset } = this.bat.entry(index);
    if (state === PayloadBlockState.fullyPresent || state === PayloadBlockState.partiallyPresent) {
      await this.file.write(part, fileOffset + inBlock);
      if (state === PayloadBlockState.partiallyPresent) await this.commit([], await this.markPresent(block, inBlock, part.length));
      return;
    }
    const whole = inBlock === 0 && part.length === this.blockLength(block);
    const reusable = (state === PayloadBlockState.zero || state === PayloadBlockState.unmapped) && this.canReuse(fileOffset);
    const target = reusable ? fileOffset : await this.allocate(this.metadata.blockSize);
    if (this.parent !== undefined && state === PayloadBlockState.notPresent && !whole) {
      // The rest of the block still comes from the parent: record which sectors are here.
      await this.file.write(part, target + inBlock);
      const bitmap = await this.markPresent(block, inBlock, part.length);
      this.bat.set(index, PayloadBlockState.partiallyPresent, target);
      await this.commit([index, this.bat.bitmapIndex(Math.floor(block / this.bat.chunkRatio))], bitmap);
      return;
    }
    if (reusable) {
      // A ZERO block's old space holds stale bytes: zero what this write does not cover.
      await this.file.zero(target, inBlock);
      await this.file.zero(target + inBlock + part.length, this.metadata.blockSize - inBlock - part.length);
    }
    await this.file.write(part, target + inBlock);
    this.bat.set(index, PayloadBlockState.fullyPresent, target);
    await this.commit([index], []);
  }

  /** Whether a ZERO/UNMAPPED entry's old offset names whole block space that may be written again. */
  private canReuse(fileOffset: number): boolean {
    const block = { fileOffset, length: this.metadata.blockSize };
    const inside = fileOffset >= VhdxLayout.headerSectionSize && fileOffset + block.length <= this.file.size;
    return inside && !this.reserved.some((region) => overlap(region, block));
  }

  /** Space for a new block: `length` zero bytes at the 1 MiB-aligned end of the file. */
  private async allocate(length: number): Promise<number> {
    const fileOffset = alignUp(this.file.size, VhdxLayout.MiB);
    await this.file.resize(fileOffset + length);
    return fileOffset;
  }

  /**
   * Sets the sector bitmap bits of `length` bytes at `inBlock` of `block`, allocating the chunk's
   * bitmap block if need be (its BAT entry then changes in memory). Returns the bitmap sectors to
   * commit, none if every bit was already set.
   */
  private async markPresent(block: number, inBlock: number, length: number): Promise<MetadataSector[]> {
    const bitmapIndex = this.bat.bitmapIndex(Math.floor(block / this.bat.chunkRatio));
    let bitmap = this.bat.entry(bitmapIndex);
    if (bitmap.state !== SectorBitmapState.present) {
      this.bat.set(bitmapIndex, SectorBitmapState.present, await this.allocate(SECTOR_BITMAP_BLOCK_SIZE));
      bitmap = this.bat.entry(bitmapIndex);
    }
    const first = ((block % this.bat.chunkRatio) * this.metadata.blockSize + inBlock) / this.sectorSize;
    const last = first + length / this.sectorSize;
    const bitsPerSector = SECTOR * 8;
    const sectors: MetadataSector[] = [];
    for (let sector = Math.floor(first / bitsPerSector); sector * bitsPerSector < last; sector++) {
      const fileOffset = bitmap.fileOffset + sector * SECTOR;
      const data = await this.file.read(fileOffset, SECTOR, 'sector bitmap', `blocks[${block}]`);
      let changed = false;
      for (let bit = Math.max(first, sector * bitsPerSector); bit < Math.min(last, (sector + 1) * bitsPerSector); bit++) {
        const at = (bit - sector * bitsPerSector) >> 3;
        const mask = 1 << (bit & 7);
        if (!(data[at]! & mask)) {
          data[at] = data[at]! | mask;
          changed = true;
        }
      }
      if (changed) sectors.push({ fileOffset, data });
    }
    return sectors;
  }

  /** Writes the BAT sectors holding entries `indexes`, and `sectors`, through the log. */
  private async commit(indexes: readonly number[], sectors: readonly MetadataSector[]): Promise<void> {
    const batSectors = new Map<number, MetadataSector>();
    for (const index of indexes) {
      const { offset, bytes } = this.bat.sectorOf(index);
      batSectors.set(offset, { fileOffset: this.regions.bat.fileOffset + offset, data: bytes });
    }
    const writes = [...batSectors.values(), ...sectors];
    if (writes.length > 0) await this.log!.commit(writes);
  }

  flush(): Promise<void> {
    return this.serialized(() => this.file.sync());
  }

  async unmap(offset: number, length: number): Promise<void> {
    if (this.readOnly) throw new DiskReadOnlyError(this.file.path);
    checkDiskRange(this, offset, length);
    await this.serialized(async () => {
      await this.startWriting();
      const { blockSize } = this.metadata;
      for (let done = 0; done < length; ) {
        const position = offset + done;
        const block = Math.floor(position / blockSize);
        const inBlock = position - block * blockSize;
        const piece = Math.min(blockSize - inBlock, length - done);
        await this.unmapBlock(block, inBlock, piece);
        done += piece;
      }
    });
  }

  private async unmapBlock(block: number, inBlock: number, length: number): Promise<void> {
    const index = this.bat.payloadIndex(block);
    const { state, fileOffset } = this.bat.entry(index);
    const present = state === PayloadBlockState.fullyPresent || state === PayloadBlockState.partiallyPresent;
    const inherited = state === PayloadBlockState.notPresent && this.parent !== undefined;
    if (!present && !inherited) return; // It reads as zeros already.
    if (length === this.blockLength(block) && !this.metadata.leaveBlocksAllocated) {
      this.bat.set(index, PayloadBlockState.zero, present ? fileOffset : 0);
      await this.commit([index], []);
      return;
    }
    await this.writeBlock(block, inBlock, new Uint8Array(length));
  }

  close(): Promise<void> {
    return this.serialized(async () => {
      try {
        if (this.log !== undefined) {
          await this.file.sync();
          // Everything the log holds is applied and durable: the log is empty again.
          await this.headers.update({ logGuid: NIL_GUID });
          this.log = undefined;
        }
      } finally {
        await this.file.close();
        await this.parent?.close();
      }
    });
  }
}

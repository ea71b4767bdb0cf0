import { VhdxFormatError } from './vhdx-format-error.js';
import { alignUp, VhdxLayout } from './vhdx-layout.js';
import type { VhdxMetadata } from './vhdx-metadata.js';
import { overlap, type VhdxRegion } from './vhdx-region-table.js';

/** States of a payload block's BAT entry (MS-VHDX 2.5.1.1). */
export const PayloadBlockState = {
  /** Never written: zeros, or the parent's data in a differencing image. */
  notPresent: 0,
  undefined: 1,
  zero: 2,
  unmapped: 3,
  fullyPresent: 6,
  /** Differencing only: the chunk's sector bitmap says which sectors are here. */
  partiallyPresent: 7,
} as const;

/** States of a sector bitmap block's BAT entry (MS-VHDX 2.5.1.2). */
export const SectorBitmapState = { notPresent: 0, present: 6 } as const;

/** Sector bitmap blocks are always 1 MiB: one bit per logical sector of a chunk. */
export const SECTOR_BITMAP_BLOCK_SIZE = VhdxLayout.MiB;

const STRUCTURE = 'BAT';
const ENTRY_SIZE = 8;
const PAYLOAD_STATES = new Set<number>([0, 1, 2, 3, 6]);

/** One BAT entry, decoded. */
export interface VhdxBatEntry {
  readonly state: number;
  /** Byte offset of the block in the file; 0 when the entry names none. */
  readonly fileOffset: number;
}

/**
 * The block allocation table (MS-VHDX 2.5), held in memory: payload block entries interleaved,
 * after every `chunkRatio` of them, with the entry of the chunk's sector bitmap block.
 */
export class VhdxBat {
  /** Payload blocks per chunk: 2^23 × logical sector size / block size. */
  readonly chunkRatio: number;
  /** Payload blocks that cover the virtual disk. */
  readonly dataBlockCount: number;
  /** Entries in the table, payload and sector bitmap. */
  readonly entryCount: number;
  private readonly view: DataView;

  private constructor(
    /** The table's bytes, whole 4 KiB sectors. */
    private readonly table: Uint8Array,
    private readonly metadata: VhdxMetadata,
  ) {
    this.chunkRatio = chunkRatioOf(metadata);
    this.dataBlockCount = Math.ceil(metadata.virtualDiskSize / metadata.blockSize);
    this.entryCount = entryCountOf(metadata);
    this.view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  }

  /** Bytes the table's entries take, rounded up to whole 4 KiB sectors. */
  static tableSize(metadata: VhdxMetadata): number {
    return alignUp(entryCountOf(metadata) * ENTRY_SIZE, VhdxLayout.logSectorSize);
  }

  /** An empty table (every block not present) for `metadata`. */
  static empty(metadata: VhdxMetadata): VhdxBat {
    return new VhdxBat(new Uint8Array(VhdxBat.tableSize(metadata)), metadata);
  }

  /**
   * Takes the table's bytes (at least {@link VhdxBat.tableSize}) and validates every entry: its
   * state for its kind and image type, and that a present block lies inside the file and outside
   * the `reserved` ranges (header section, log, regions).
   * @throws {@link VhdxFormatError} naming the entry.
   */
  static decode(table: Uint8Array, metadata: VhdxMetadata, fileSize: number, reserved: readonly VhdxRegion[]): VhdxBat {
    const bat = new VhdxBat(table.subarray(0, VhdxBat.tableSize(metadata)), metadata);
    for (let index = 0; index < bat.entryCount; index++) bat.validate(index, fileSize, reserved);
    return bat;
  }

  private validate(index: number, fileSize: number, reserved: readonly VhdxRegion[]): void {
    const field = `entries[${index}]`;
    const low = this.view.getUint32(index * ENTRY_SIZE, true);
    if ((low >>> 3) & 0x1ffff) throw new VhdxFormatError(STRUCTURE, `${field}.reserved`, 'bits 3-19 are not zero');
    const { state, fileOffset } = this.entry(index);
    const chunk = Math.floor(index / (this.chunkRatio + 1));
    if (index % (this.chunkRatio + 1) === this.chunkRatio) {
      if (state !== SectorBitmapState.notPresent && state !== SectorBitmapState.present) {
        throw new VhdxFormatError(STRUCTURE, `${field}.state`, `${state} is not a sector bitmap block state`);
      }
      if (state === SectorBitmapState.present) this.checkPlacement(field, fileOffset, SECTOR_BITMAP_BLOCK_SIZE, fileSize, reserved);
      return;
    }
    const partial = state === PayloadBlockState.partiallyPresent && this.metadata.hasParent;
    if (!PAYLOAD_STATES.has(state) && !partial) throw new VhdxFormatError(STRUCTURE, `${field}.state`, `${state} is not a payload block state here`);
    if (partial && this.entry(this.bitmapIndex(chunk)).state !== SectorBitmapState.present) {
      throw new VhdxFormatError(STRUCTURE, `${field}.state`, 'is partially present but its chunk has no sector bitmap');
    }
    if (state === PayloadBlockState.fullyPresent || partial) {
      const block = index - chunk;
      const length = Math.min(this.metadata.blockSize, this.metadata.virtualDiskSize - block * this.metadata.blockSize);
      this.checkPlacement(field, fileOffset, length, fileSize, reserved);
    }
  }

  private checkPlacement(field: string, fileOffset: number, length: number, fileSize: number, reserved: readonly VhdxRegion[]): void {
    if (fileOffset < VhdxLayout.headerSectionSize || fileOffset + length > fileSize) {
      throw new VhdxFormatError(STRUCTURE, `${field}.fileOffset`, `a block at ${fileOffset} does not lie inside the ${fileSize}-byte file`);
    }
    if (reserved.some((region) => overlap(region, { fileOffset, length }))) {
      throw new VhdxFormatError(STRUCTURE, `${field}.fileOffset`, `a block at ${fileOffset} overlaps the log or a region`);
    }
  }

  /** Index of payload block `block`'s entry. */
  payloadIndex(block: number): number {
    return block + Math.floor(block / this.chunkRatio);
  }

  /** Index of the sector bitmap entry of chunk `chunk`. */
  bitmapIndex(chunk: number): number {
    return chunk * (this.chunkRatio + 1) + this.chunkRatio;
  }

  entry(index: number): VhdxBatEntry {
    return { state: this.stateOf(index), fileOffset: this.fileOffsetOf(index) };
  }

  /** The state of entry `index` (what {@link entry} says, without allocating). */
  stateOf(index: number): number {
    return this.view.getUint32(index * ENTRY_SIZE, true) & 7;
  }

  /** The file offset of entry `index` (what {@link entry} says, without allocating). */
  fileOffsetOf(index: number): number {
    const low = this.view.getUint32(index * ENTRY_SIZE, true);
    const high = this.view.getUint32(index * ENTRY_SIZE + 4, true);
    return (high * 4096 + (low >>> 20)) * VhdxLayout.MiB;
  }

  /** Sets entry `index` in memory; `fileOffset` is 1 MiB-aligned. */
  set(index: number, state: number, fileOffset: number): void {
    const megabytes = fileOffset / VhdxLayout.MiB;
    this.view.setUint32(index * ENTRY_SIZE, (state | ((megabytes % 4096) << 20)) >>> 0, true);
    this.view.setUint32(index * ENTRY_SIZE + 4, Math.floor(megabytes / 4096), true);
  }

  /** The 4 KiB sector of the table that holds entry `index`: its offset in the table and a copy. */
  sectorOf(index: number): { readonly offset: number; readonly bytes: Uint8Array } {
    const offset = Math.floor((index * ENTRY_SIZE) / VhdxLayout.logSectorSize) * VhdxLayout.logSectorSize;
    return { offset, bytes: new Uint8Array(this.table.subarray(offset, offset + VhdxLayout.logSectorSize)) };
  }

  /** The whole table's bytes (for a new image). */
  bytes(): Uint8Array {
    return this.table;
  }
}

function chunkRatioOf(metadata: VhdxMetadata): number {
  return (2 ** 23 * metadata.logicalSectorSize) / metadata.blockSize;
}

function entryCountOf(metadata: VhdxMetadata): number {
  const chunkRatio = chunkRatioOf(metadata);
  const dataBlocks = Math.ceil(metadata.virtualDiskSize / metadata.blockSize);
  if (metadata.hasParent) return Math.ceil(dataBlocks / chunkRatio) * (chunkRatio + 1);
  return dataBlocks + Math.floor((dataBlocks - 1) / chunkRatio);
}

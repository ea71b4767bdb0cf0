import { VhdFormatError } from './vhd-format-error.js';

/** A BAT entry for a block with no data in the file. */
export const VHD_UNALLOCATED = 0xffff_ffff;

/** A range of bytes `[start, end)` of the file that holds one structure, named as a field. */
export interface VhdFileRegion {
  readonly start: number;
  readonly end: number;
  readonly field: string;
}

/** Where the table's blocks must fit. */
export interface VhdBlockAllocationTableBounds {
  /** The image file, for errors. */
  readonly path: string;
  /** Bytes of one block in the file: its sector bitmap, then its data. */
  readonly blockSpan: number;
  /** Where blocks must end by: the start of the trailing footer, or the end of the file. */
  readonly blocksEnd: number;
  /** The regions blocks must not overlap: footer copy, dynamic header, the table itself. */
  readonly metadata: readonly VhdFileRegion[];
}

/**
 * The block allocation table of a dynamic VHD, held in memory: for each block of the disk, the
 * file sector where the block (sector bitmap, then data) starts, or {@link VHD_UNALLOCATED}.
 */
export class VhdBlockAllocationTable {
  #nextFreeOffset: number;

  private constructor(
    private readonly entries: Uint32Array,
    private readonly blockSpan: number,
    nextFreeOffset: number,
  ) {
    this.#nextFreeOffset = nextFreeOffset;
  }

  /**
   * Decodes the entries the disk uses and checks that every allocated block lies inside the file
   * and overlaps neither the metadata nor another block, so that no read or write through the
   * table can leave the file or clobber its structure.
   * @param table - The table's big-endian u32 entries, one per block of the disk.
   * @throws {@link VhdFormatError} naming the entry, e.g. `bat[3]`.
   */
  static decode(table: Uint8Array, bounds: VhdBlockAllocationTableBounds): VhdBlockAllocationTable {
    checkDisjoint(bounds.path, bounds.metadata);
    const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
    const entries = new Uint32Array(Math.floor(table.length / 4));
    const regions: VhdFileRegion[] = [...bounds.metadata];
    for (let block = 0; block < entries.length; block++) {
      const sector = view.getUint32(block * 4);
      entries[block] = sector;
      if (sector === VHD_UNALLOCATED) continue;
      const start = sector * 512;
      const end = start + bounds.blockSpan;
      if (end > bounds.blocksEnd) {
        throw new VhdFormatError(bounds.path, `bat[${block}]`, `points at a block ending at ${end}, beyond the ${bounds.blocksEnd} bytes blocks may use`);
      }
      regions.push({ start, end, field: `bat[${block}]` });
    }
    checkDisjoint(bounds.path, regions);
    const end = regions.reduce((last, region) => Math.max(last, region.end), 0);
    return new VhdBlockAllocationTable(entries, bounds.blockSpan, roundUpToSector(end));
  }

  /** Blocks the table covers. */
  get length(): number {
    return this.entries.length;
  }

  /** Where block `block` starts in the file (its sector bitmap), or `undefined` if unallocated. */
  blockOffset(block: number): number | undefined {
    const sector = this.entries[block]!;
    return sector === VHD_UNALLOCATED ? undefined : sector * 512;
  }

  /** Where the next block goes: the first sector past every structure the file holds. */
  get nextFreeOffset(): number {
    return this.#nextFreeOffset;
  }

  /** Records block `block` as allocated at `offset` (a multiple of 512) once its entry is written. */
  record(block: number, offset: number): void {
    this.entries[block] = offset / 512;
    this.#nextFreeOffset = Math.max(this.#nextFreeOffset, offset + this.blockSpan);
  }
}

/**
 * Checks that no two regions overlap.
 * @throws {@link VhdFormatError} naming the region that starts later, or the BAT entry if a block
 *   overlaps metadata.
 */
function checkDisjoint(path: string, regions: readonly VhdFileRegion[]): void {
  const sorted = [...regions].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const region = sorted[i]!;
    if (region.start >= previous.end) continue;
    const [blame, other] = isBlock(previous) && !isBlock(region) ? [previous, region] : [region, previous];
    throw new VhdFormatError(path, blame.field, `overlaps ${other.field} (from byte ${region.start})`);
  }
}

function isBlock(region: VhdFileRegion): boolean {
  return region.field.startsWith('bat[');
}

function roundUpToSector(offset: number): number {
  return Math.ceil(offset / 512) * 512;
}

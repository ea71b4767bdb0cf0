import { AdditionalSense } from '../../protocol/index.js';
import { readBe16, readBe32, readBe64 } from './big-endian.js';
import { MAX_UNMAP_BLOCKS, MAX_UNMAP_DESCRIPTORS } from './inquiry-data.js';

/** Bytes of the parameter list header before the first block descriptor. */
export const UNMAP_HEADER_LENGTH = 8;
const DESCRIPTOR_LENGTH = 16;

/**
 * The UNMAP parameter list (SBC-3 §5.28.2): an 8-byte header whose BLOCK DESCRIPTOR DATA LENGTH
 * counts the 16-byte descriptors {LBA u64, blocks u32, reserved} that follow. A descriptor cut
 * short — by that length or by the end of the list — is ignored, as SBC-3 says.
 */
export class UnmapParameterList {
  /** Number of complete block descriptors. */
  readonly count: number;

  /** @param list - The parameter list: a private copy, so that it cannot change between checks and use. */
  constructor(private readonly list: Uint8Array) {
    const described = Math.min(readBe16(list, 2), list.length - UNMAP_HEADER_LENGTH);
    this.count = Math.floor(described / DESCRIPTOR_LENGTH);
  }

  /** First block of descriptor `index` (`Infinity` if beyond 2^53). */
  lba(index: number): number {
    return readBe64(this.list, UNMAP_HEADER_LENGTH + index * DESCRIPTOR_LENGTH);
  }

  /** Number of blocks of descriptor `index`. */
  blocks(index: number): number {
    return readBe32(this.list, UNMAP_HEADER_LENGTH + index * DESCRIPTOR_LENGTH + 8);
  }

  /**
   * What is wrong with the list for a disk of `blockCount` blocks — too many descriptors, a
   * descriptor of too many blocks, or one beyond the disk — or NO_ADDITIONAL_SENSE if nothing is.
   */
  check(blockCount: number): AdditionalSense {
    if (this.count > MAX_UNMAP_DESCRIPTORS) return AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST;
    for (let index = 0; index < this.count; index++) {
      const lba = this.lba(index);
      const blocks = this.blocks(index);
      if (blocks > MAX_UNMAP_BLOCKS) return AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST;
      if (lba >= blockCount || blocks > blockCount - lba) return AdditionalSense.LBA_OUT_OF_RANGE;
    }
    return AdditionalSense.NO_ADDITIONAL_SENSE;
  }
}

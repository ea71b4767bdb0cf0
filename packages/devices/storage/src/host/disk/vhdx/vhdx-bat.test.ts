import { describe, expect, it } from 'vitest';
import { PayloadBlockState, SectorBitmapState, VhdxBat } from './vhdx-bat.js';
import type { VhdxMetadata } from './vhdx-metadata.js';

const MiB = 1024 * 1024;
const metadata: VhdxMetadata = {
  blockSize: 256 * MiB,
  leaveBlocksAllocated: false,
  hasParent: false,
  virtualDiskSize: 40 * 256 * MiB,
  logicalSectorSize: 512,
  physicalSectorSize: 512,
  page83Data: '11111111-2222-3333-4444-555555555555',
};

describe('the VHDX BAT', () => {
  it('interleaves a sector bitmap entry after every chunk of chunk-ratio payload entries', () => {
    const bat = VhdxBat.empty(metadata);
    expect(bat.chunkRatio).toBe(16); // 2^23 × 512 / 256 MiB
    expect(bat.dataBlockCount).toBe(40);
    expect(bat.entryCount).toBe(40 + 2);
    expect([0, 15, 16, 31, 32, 39].map((block) => bat.payloadIndex(block))).toEqual([0, 15, 17, 32, 34, 41]);
    expect([0, 1].map((chunk) => bat.bitmapIndex(chunk))).toEqual([16, 33]);
    expect(VhdxBat.empty({ ...metadata, hasParent: true }).entryCount).toBe(3 * 17);
  });

  it('keeps 44-bit MiB offsets and 3-bit states', () => {
    const bat = VhdxBat.empty(metadata);
    bat.set(5, PayloadBlockState.fullyPresent, 5000 * MiB);
    expect(bat.entry(5)).toEqual({ state: 6, fileOffset: 5000 * MiB });
    const { offset, bytes } = bat.sectorOf(5);
    expect(offset).toBe(0);
    expect(new DataView(bytes.buffer).getBigUint64(40, true)).toBe((5000n << 20n) | 6n);
    expect(bat.sectorOf(600).offset).toBe(4096);
  });

  it('refuses entries with a wrong state, reserved bits, or a block outside the file or over a region', () => {
    const fileSize = 100 * 256 * MiB;
    const reserved = [{ fileOffset: 0, length: MiB }, { fileOffset: 2 * MiB, length: MiB }];
    const decode = (index: number, state: number, fileOffset: number, extra = 0) => {
      const bat = VhdxBat.empty(metadata);
      bat.set(index, state, fileOffset);
      const table = bat.bytes();
      table[index * 8]! |= extra;
      return () => VhdxBat.decode(table, metadata, fileSize, reserved);
    };
    expect(decode(3, PayloadBlockState.fullyPresent, 8 * MiB)).not.toThrow();
    expect(decode(3, 4, 0)).toThrow(expect.objectContaining({ structure: 'BAT', field: 'entries[3].state' }));
    expect(decode(3, PayloadBlockState.partiallyPresent, 8 * MiB)).toThrow(expect.objectContaining({ field: 'entries[3].state' }));
    expect(decode(3, PayloadBlockState.zero, 0, 0x08)).toThrow(expect.objectContaining({ field: 'entries[3].reserved' }));
    expect(decode(3, PayloadBlockState.fullyPresent, 0)).toThrow(expect.objectContaining({ field: 'entries[3].fileOffset' }));
    expect(decode(3, PayloadBlockState.fullyPresent, 2 * MiB)).toThrow(/overlaps/);
    expect(decode(3, PayloadBlockState.fullyPresent, fileSize)).toThrow(/inside the/);
    expect(decode(16, PayloadBlockState.zero, 0)).toThrow(/sector bitmap block state/);
    expect(decode(16, SectorBitmapState.present, 8 * MiB)).not.toThrow();
  });
});

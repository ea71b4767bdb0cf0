import { crc32c } from '@tsvisor/wire';
import { describe, expect, it } from 'vitest';
import { decodeVhdxRegionTable, encodeVhdxRegionTable } from './vhdx-region-table.js';

const MiB = 1024 * 1024;
const regions = { bat: { fileOffset: 3 * MiB, length: MiB }, metadata: { fileOffset: 2 * MiB, length: MiB } };

/** A table with a third entry for region `guid`, `required` or not, checksummed again. */
function withExtraRegion(required: number): Uint8Array {
  const bytes = encodeVhdxRegionTable(regions);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, 3, true);
  bytes.fill(0xab, 16 + 64, 16 + 64 + 16);
  view.setBigUint64(16 + 64 + 16, BigInt(5 * MiB), true);
  view.setUint32(16 + 64 + 24, MiB, true);
  view.setUint32(16 + 64 + 28, required, true);
  view.setUint32(4, 0, true);
  view.setUint32(4, crc32c(bytes), true);
  return bytes;
}

describe('VHDX region tables', () => {
  it('round-trip the BAT and metadata regions', () => {
    expect(decodeVhdxRegionTable(encodeVhdxRegionTable(regions), 1, 8 * MiB)).toEqual(regions);
  });

  it('ignore unknown optional regions and refuse unknown required ones', () => {
    expect(decodeVhdxRegionTable(withExtraRegion(0), 1, 8 * MiB)).toEqual(regions);
    expect(() => decodeVhdxRegionTable(withExtraRegion(1), 1, 8 * MiB)).toThrow(
      expect.objectContaining({ structure: 'region table 1', field: 'entries[2].required' }),
    );
  });

  it('refuse regions outside the file, misaligned, overlapping or missing', () => {
    expect(() => decodeVhdxRegionTable(encodeVhdxRegionTable(regions), 2, 3 * MiB)).toThrow(
      expect.objectContaining({ structure: 'region table 2', field: 'entries[0].length' }),
    );
    expect(() => decodeVhdxRegionTable(encodeVhdxRegionTable({ ...regions, bat: { fileOffset: 3 * MiB + 4096, length: MiB } }), 1, 8 * MiB)).toThrow(
      expect.objectContaining({ field: 'entries[0].fileOffset' }),
    );
    expect(() => decodeVhdxRegionTable(encodeVhdxRegionTable({ ...regions, bat: regions.metadata }), 1, 8 * MiB)).toThrow(/overlap/);
    const empty = encodeVhdxRegionTable(regions);
    const view = new DataView(empty.buffer);
    view.setUint32(8, 1, true);
    view.setUint32(4, 0, true);
    view.setUint32(4, crc32c(empty), true);
    expect(() => decodeVhdxRegionTable(empty, 1, 8 * MiB)).toThrow(/no metadata region/);
  });
});

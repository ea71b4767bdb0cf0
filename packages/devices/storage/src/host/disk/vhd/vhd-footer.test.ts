import { describe, expect, it } from 'vitest';
import { VhdDiskType, decodeVhdFooter, encodeVhdFooter } from './vhd-footer.js';
import { VhdFormatError } from './vhd-format-error.js';
import { vhdGeometry } from './vhd-geometry.js';

const MiB = 1024 * 1024;
const uniqueId = Uint8Array.from({ length: 16 }, (_, i) => i);

describe('VHD footers', () => {
  it('decode what they encode, with the checksum the specification defines', () => {
    const sector = encodeVhdFooter({ diskType: VhdDiskType.dynamic, dynamicHeaderOffset: 512, sizeBytes: 10 * MiB, uniqueId, created: new Date('2000-01-01T00:01:40Z') });
    expect(sector.length).toBe(512);
    expect(decodeVhdFooter(sector, 'a.vhd')).toEqual({ diskType: VhdDiskType.dynamic, dynamicHeaderOffset: 512, currentSize: 10 * MiB });
    const view = new DataView(sector.buffer);
    expect(view.getUint32(24)).toBe(100); // seconds since 2000-01-01
    expect(String.fromCharCode(...sector.subarray(28, 32))).toBe('win ');
    expect(view.getBigUint64(40)).toBe(BigInt(10 * MiB));
    let sum = 0;
    sector.forEach((byte, i) => (sum += i >= 64 && i < 68 ? 0 : byte));
    expect(view.getUint32(64)).toBe(~sum >>> 0);
    expect(sector.subarray(68, 84)).toEqual(uniqueId);
  });

  it('give a fixed disk no data offset, all ones', () => {
    const sector = encodeVhdFooter({ diskType: VhdDiskType.fixed, sizeBytes: MiB, uniqueId, created: new Date() });
    expect(new DataView(sector.buffer).getBigUint64(16)).toBe(0xffff_ffff_ffff_ffffn);
    expect(decodeVhdFooter(sector, 'f.vhd')).toEqual({ diskType: VhdDiskType.fixed, dynamicHeaderOffset: undefined, currentSize: MiB });
  });

  it('are refused with the field named when a byte is off', () => {
    const sector = encodeVhdFooter({ diskType: VhdDiskType.fixed, sizeBytes: MiB, uniqueId, created: new Date() });
    sector[100] = 1;
    expect(() => decodeVhdFooter(sector, 'f.vhd')).toThrow(VhdFormatError);
    expect(() => decodeVhdFooter(sector, 'f.vhd')).toThrow(/^f\.vhd: VHD footer\.checksum /);
    expect(() => decodeVhdFooter(sector.subarray(0, 511), 'f.vhd')).toThrow(expect.objectContaining({ field: 'footer' }));
  });
});

describe('VHD geometry', () => {
  it('follows the specification: 17, 31, then 63 sectors per track, and 255 past 31 GiB', () => {
    expect(vhdGeometry(10 * MiB)).toEqual({ cylinders: 301, heads: 4, sectorsPerTrack: 17 });
    expect(vhdGeometry(4096 * MiB)).toEqual({ cylinders: 8322, heads: 16, sectorsPerTrack: 63 });
    expect(vhdGeometry(40 * 1024 * MiB)).toEqual({ cylinders: 20560, heads: 16, sectorsPerTrack: 255 });
  });

  it('stops at the largest geometry a footer holds', () => {
    expect(vhdGeometry(2040 * 1024 * MiB)).toEqual({ cylinders: 65535, heads: 16, sectorsPerTrack: 255 });
  });
});

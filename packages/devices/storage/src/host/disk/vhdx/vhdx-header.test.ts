import { describe, expect, it } from 'vitest';
import { VhdxFormatError } from './vhdx-format-error.js';
import { currentVhdxHeader, decodeVhdxHeader, encodeVhdxHeader, NIL_GUID, type VhdxHeader } from './vhdx-header.js';

const MiB = 1024 * 1024;
const header: VhdxHeader = {
  sequenceNumber: 5n,
  fileWriteGuid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  dataWriteGuid: '11111111-2222-3333-4444-555555555555',
  logGuid: NIL_GUID,
  logOffset: MiB,
  logLength: MiB,
};

describe('VHDX headers', () => {
  it('round-trip through their 4 KiB encoding with a CRC-32C over it', () => {
    const bytes = encodeVhdxHeader(header);
    expect(bytes.length).toBe(4096);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('head');
    expect(decodeVhdxHeader(bytes, 1, 4 * MiB)).toEqual(header);
  });

  it('are refused with the field named when the signature, checksum, version or log placement is wrong', () => {
    const broken = (offset: number, value: number, fileSize = 4 * MiB) => {
      const bytes = encodeVhdxHeader(header);
      bytes[offset] = value;
      return () => decodeVhdxHeader(bytes, 2, fileSize);
    };
    expect(broken(0, 0)).toThrow(expect.objectContaining({ structure: 'header 2', field: 'signature' }));
    expect(broken(100, 1)).toThrow(expect.objectContaining({ field: 'checksum' })); // in the reserved area: still checksummed
    expect(() => decodeVhdxHeader(encodeVhdxHeader({ ...header, logOffset: 3 * MiB }), 1, 3 * MiB)).toThrow(
      expect.objectContaining({ field: 'logOffset' }),
    );
    expect(() => decodeVhdxHeader(encodeVhdxHeader({ ...header, logLength: 4096 }), 1, 4 * MiB)).toThrow(
      expect.objectContaining({ field: 'logLength' }),
    );
  });

  it('choose the valid copy with the higher sequence number as current', () => {
    const older = header;
    const newer = { ...header, sequenceNumber: 6n };
    const bad = new VhdxFormatError('header 1', 'checksum', 'bad');
    expect(currentVhdxHeader([older, newer])).toEqual({ header: newer, slot: 1 });
    expect(currentVhdxHeader([newer, older])).toEqual({ header: newer, slot: 0 });
    expect(currentVhdxHeader([bad, older])).toEqual({ header: older, slot: 1 });
    expect(currentVhdxHeader([newer, new VhdxFormatError('header 2', 'signature', 'bad')])).toEqual({ header: newer, slot: 0 });
    expect(() => currentVhdxHeader([bad, new VhdxFormatError('header 2', 'signature', 'bad')])).toThrow(bad);
  });
});

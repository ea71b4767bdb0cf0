import { describe, expect, it } from 'vitest';
import { readU32LE } from './little-endian.js';

describe('readU32LE', () => {
  it('reads a little-endian u32 at any offset, as DataView does, the top bit included', () => {
    const bytes = Uint8Array.of(0xaa, 0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff);
    const view = new DataView(bytes.buffer);
    for (let at = 0; at + 4 <= bytes.length; at++) expect(readU32LE(bytes, at)).toBe(view.getUint32(at, true));
    expect(readU32LE(bytes, 1)).toBe(0x12345678);
    expect(readU32LE(bytes, 5)).toBe(0xffffffff);
  });

  it('reads bytes past the end as 0', () => {
    expect(readU32LE(Uint8Array.of(1, 2), 0)).toBe(0x0201);
    expect(readU32LE(new Uint8Array(0), 0)).toBe(0);
  });
});

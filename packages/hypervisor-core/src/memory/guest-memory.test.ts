import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GuestMemory, GuestMemoryAccessError } from '../index.js';

describe('GuestMemory', () => {
  it('rejects sizes that are not positive multiples of 4 KiB', () => {
    for (const size of [0, -4096, 4095, 4097, 1.5 * 4096, Number.NaN]) expect(() => new GuestMemory(size)).toThrow(RangeError);
  });

  it('writes and reads back through GPAs, with copies that do not follow later writes', () => {
    const memory = new GuestMemory(16 * 4096);
    memory.write(0x1ffe, Uint8Array.of(1, 2, 3, 4));
    const copy = memory.read(0x1ffe, 4);
    memory.write(0x1ffe, Uint8Array.of(9));
    expect([...copy]).toEqual([1, 2, 3, 4]);
    expect([...memory.read(0x1ffe, 4)]).toEqual([9, 2, 3, 4]);
  });

  it('gives zero-copy views of page ranges', () => {
    const memory = new GuestMemory(16 * 4096);
    const pages = memory.pages(2, 3);
    expect(pages.length).toBe(3 * 4096);
    pages[4096] = 0xab;
    expect(memory.read(3 * 4096, 1)[0]).toBe(0xab);
    expect(pages.buffer).toBe(memory.buffer);
  });

  it('raises GuestMemoryAccessError for any access outside the partition', () => {
    const memory = new GuestMemory(4 * 4096);
    const outside: [number, number][] = [
      [4 * 4096, 1],
      [4 * 4096 - 1, 2],
      [-1, 1],
      [0, -1],
      [0.5, 1],
      [Number.MAX_SAFE_INTEGER, 1],
      [Number.NaN, 1],
    ];
    for (const [gpa, length] of outside) {
      expect(() => memory.read(gpa, length)).toThrow(GuestMemoryAccessError);
      expect(() => memory.view(gpa, length)).toThrow(GuestMemoryAccessError);
      if (length > 0) expect(() => memory.write(gpa, new Uint8Array(length))).toThrow(GuestMemoryAccessError);
    }
    expect(() => memory.pages(4, 1)).toThrow(GuestMemoryAccessError);
  });

  it('never touches bytes outside [gpa, gpa + length) and accepts exactly the in-bounds ranges', () => {
    const size = 4 * 4096;
    const memory = new GuestMemory(size);
    fc.assert(
      fc.property(fc.integer({ min: -10, max: size + 10 }), fc.integer({ min: 0, max: 600 }), (gpa, length) => {
        memory.fill(0, size, 0);
        const inside = gpa >= 0 && gpa + length <= size;
        if (!inside) {
          expect(() => memory.fill(gpa, length, 0xff)).toThrow(GuestMemoryAccessError);
          return;
        }
        memory.fill(gpa, length, 0xff);
        const all = memory.read(0, size);
        const touched = all.reduce((n, b) => n + (b === 0xff ? 1 : 0), 0);
        expect(touched).toBe(length);
      }),
    );
  });

  it('marks the reserved top pages as not mappable by devices', () => {
    const memory = new GuestMemory(16 * 4096, 4);
    expect(memory.reservedFirstPfn).toBe(12);
    expect(memory.isDevicePfn(11)).toBe(true);
    for (const pfn of [12, 15, 16, -1, 1.5]) expect(memory.isDevicePfn(pfn)).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { crc32c } from './index.js';

/** CRC-32C one bit at a time, straight from the definition. */
function referenceCrc32c(data: Uint8Array): number {
  let crc = 0xffff_ffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffff_ffff) >>> 0;
}

const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

describe('crc32c', () => {
  it('has the check value 0xE3069283 for "123456789"', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
  });

  it.each([
    ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
    ['32 bytes of 0xFF', new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ['the bytes 0 to 31 ascending', Uint8Array.from({ length: 32 }, (_, index) => index), 0x46dd794e],
    ['no bytes', new Uint8Array(0), 0],
  ])('matches the published value for %s', (_, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  it('checksums only the bytes a subarray views', () => {
    const data = Uint8Array.from({ length: 40 }, (_, index) => index - 3);
    expect(crc32c(data.subarray(3, 35))).toBe(0x46dd794e);
  });

  it('agrees with the bitwise definition on any data, at any alignment, in any kind of buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), fc.boolean(), (data, start, shared) => {
        const buffer = shared ? new SharedArrayBuffer(start + data.length) : new ArrayBuffer(start + data.length);
        const placed = new Uint8Array(buffer, start);
        placed.set(data);
        expect(crc32c(placed)).toBe(referenceCrc32c(data));
      }),
    );
  });

  it('is incremental: the CRC of a and then b continues from the CRC of a', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        const whole = new Uint8Array([...a, ...b]);
        expect(crc32c(b, crc32c(a))).toBe(crc32c(whole));
      }),
    );
  });

  it('returns an unsigned 32-bit number', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (data) => {
        const crc = crc32c(data);
        expect(Number.isInteger(crc) && crc >= 0 && crc <= 0xffff_ffff).toBe(true);
      }),
    );
  });
});

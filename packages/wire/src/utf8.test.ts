import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, encodeUtf8 } from './utf8.js';

describe('UTF-8', () => {
  it('encodes and decodes like TextEncoder and TextDecoder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const expected = new TextEncoder().encode(text);
        expect([...encodeUtf8(text)]).toEqual([...expected]);
        expect(decodeUtf8(expected)).toBe(new TextDecoder().decode(expected));
      }),
    );
  });

  it('decodes malformed bytes with U+FFFD exactly as the WHATWG decoder does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(decodeUtf8(bytes)).toBe(new TextDecoder().decode(bytes));
      }),
      { numRuns: 2000 },
    );
    for (const bytes of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98]]) {
      expect(decodeUtf8(Uint8Array.from(bytes))).toBe(new TextDecoder().decode(Uint8Array.from(bytes)));
    }
  });

  it('writes text of any script', () => {
    expect(decodeUtf8(encodeUtf8('héllo, 世界 🌍'))).toBe('héllo, 世界 🌍');
  });
});

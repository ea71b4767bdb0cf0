import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { ProtocolError, formatGuid, isGuid, parseGuid } from './index.js';

/** The interface type of a VMBus network adapter (netvsc), and its bytes as Windows stores them. */
const NETVSC = 'f8615163-df3e-46c5-913f-f2d2f965ed0e';
const NETVSC_BYTES = [0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46, 0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e];
const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('parseGuid', () => {
  it('stores the first group as a little-endian u32, the next two as little-endian u16s, the rest as written', () => {
    expect(parseGuid('ba6163d9-04a1-4d29-b605-72e2ffb1dc7f')).toEqual(
      new Uint8Array([0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d, 0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f]),
    );
    expect(parseGuid(NETVSC)).toEqual(new Uint8Array(NETVSC_BYTES));
  });

  it('accepts upper case and surrounding braces', () => {
    expect(parseGuid(NETVSC.toUpperCase())).toEqual(new Uint8Array(NETVSC_BYTES));
    expect(parseGuid(`{${NETVSC}}`)).toEqual(new Uint8Array(NETVSC_BYTES));
  });

  it.each([
    ['the empty string', ''],
    ['a digit short', 'f8615163-df3e-46c5-913f-f2d2f965ed0'],
    ['a digit too many', 'f8615163-df3e-46c5-913f-f2d2f965ed0e0'],
    ['no dashes', 'f8615163df3e46c5913ff2d2f965ed0e'],
    ['misplaced dashes', 'f861516-3df3e-46c5-913f-f2d2f965ed0e'],
    ['a non-hex digit', 'g8615163-df3e-46c5-913f-f2d2f965ed0e'],
    ['an opening brace alone', '{f8615163-df3e-46c5-913f-f2d2f965ed0e'],
    ['a closing brace alone', 'f8615163-df3e-46c5-913f-f2d2f965ed0e}'],
    ['surrounding spaces', ' f8615163-df3e-46c5-913f-f2d2f965ed0e '],
  ])('rejects %s', (_, text) => {
    expect(() => parseGuid(text)).toThrow(ProtocolError);
    expect(() => parseGuid(text)).toThrow(`malformed GUID ${JSON.stringify(text)}`);
  });
});

describe('formatGuid', () => {
  it('renders the mixed-endian bytes as canonical lowercase text', () => {
    expect(formatGuid(new Uint8Array(NETVSC_BYTES))).toBe(NETVSC);
  });

  it('reads the 16 bytes at an offset', () => {
    expect(formatGuid(new Uint8Array([0xaa, 0xbb, ...NETVSC_BYTES, 0xcc]), 2)).toBe(NETVSC);
  });

  it.each([
    ['fewer than 16 bytes', 15, 0],
    ['16 bytes that end past the array', 16, 1],
    ['a negative offset', 16, -1],
    ['a fractional offset', 17, 0.5],
  ])('rejects %s', (_, length, offset) => {
    expect(() => formatGuid(new Uint8Array(length), offset)).toThrow(ProtocolError);
  });
});

describe('isGuid', () => {
  it('accepts what parseGuid accepts', () => {
    expect(isGuid(NETVSC)).toBe(true);
    expect(isGuid(`{${NETVSC.toUpperCase()}}`)).toBe(true);
  });

  it('rejects malformed text and non-strings', () => {
    expect(isGuid('f8615163-df3e-46c5-913f')).toBe(false);
    expect(isGuid(undefined)).toBe(false);
    expect(isGuid(new Uint8Array(NETVSC_BYTES))).toBe(false);
  });
});

describe('GUID round trips', () => {
  it('formats parsed text back to the same text, lowercased', () => {
    fc.assert(
      fc.property(fc.stringMatching(CANONICAL), fc.boolean(), (text, upper) => {
        expect(formatGuid(parseGuid(upper ? text.toUpperCase() : text))).toBe(text);
      }),
    );
  });

  it('parses formatted bytes back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatGuid(bytes);
        expect(text).toMatch(CANONICAL);
        expect(parseGuid(text)).toEqual(bytes);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { formatByteSize, parseByteSize } from './byte-size-schema.js';
import { schema } from './schema.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('parseByteSize', () => {
  it.each([
    [4096, 4096],
    ['4096', 4096],
    ['512K', 512 * KiB],
    ['64M', 64 * MiB],
    ['1G', GiB],
    ['2T', 2 * 1024 * GiB],
    ['64m', 64 * MiB],
    ['64MiB', 64 * MiB],
    ['64MB', 64 * MiB],
    ['64 M', 64 * MiB],
    ['100B', 100],
  ])('reads %j as %d bytes, units binary', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each([['1.5G'], ['-1'], [-1], [0.5], ['64Q'], ['M'], [' 64M'], ['64  M'], ['9999999999T'], [2 ** 53], [null], [true]])(
    'rejects %j',
    (text) => {
      expect(parseByteSize(text)).toBeUndefined();
    },
  );
});

describe('formatByteSize', () => {
  it('writes the largest unit that divides the size exactly', () => {
    expect([64 * MiB, GiB, 1536 * KiB, 1000, 0].map(formatByteSize)).toEqual(['64M', '1G', '1536K', '1000', '0']);
  });
});

describe('schema.byteSize', () => {
  const memory = schema.byteSize({ min: '1M', max: '1G', default: '64M' });

  it('yields a number of bytes whether given bytes or a size with a unit', () => {
    expect(memory.parse('512M')).toBe(512 * MiB);
    expect(memory.parse(2 * MiB)).toBe(2 * MiB);
    expect(memory.parse(undefined)).toBe(64 * MiB);
  });

  it('names the range in the units it was written in', () => {
    expect(() => memory.parse('2G', 'memory')).toThrow('memory: must be a size between 1M and 1G, got "2G"');
    expect(() => memory.parse(1024)).toThrow('must be a size between 1M and 1G, got 1024');
    expect(() => schema.byteSize({ min: '1M' }).parse('1K')).toThrow('must be a size of at least 1M, got "1K"');
  });

  it('explains the accepted forms when the value is not a size', () => {
    expect(() => memory.parse('lots')).toThrow(
      'must be a size in bytes, or a whole number with a binary unit K, M, G or T (1K = 1024) such as "64M", got "lots"',
    );
  });

  it('refuses to build with bounds or a default it cannot read or that contradict each other', () => {
    expect(() => schema.byteSize({ min: 'huge' })).toThrow(TypeError);
    expect(() => schema.byteSize({ min: '1G', max: '1M' })).toThrow('schema.byteSize: min 1G is above max 1M');
    expect(() => schema.byteSize({ max: '1M', default: '2M' })).toThrow('schema.byteSize: invalid default');
  });

  it('describes itself as a bounded integer or a size string, with the same pattern the parser uses', () => {
    const described = memory.jsonSchema();
    expect(described).toEqual({
      anyOf: [
        { type: 'integer', minimum: MiB, maximum: GiB },
        { type: 'string', pattern: expect.any(String) },
      ],
      default: '64M',
    });
    const pattern = new RegExp((described['anyOf'] as [unknown, { pattern: string }])[1].pattern, 'u');
    for (const text of ['64M', '1GiB', '4096', '8 k', '100B']) expect(pattern.test(text)).toBe(parseByteSize(text) !== undefined);
    for (const text of ['1.5G', '64Q', 'M', '']) expect(pattern.test(text)).toBe(false);
  });
});

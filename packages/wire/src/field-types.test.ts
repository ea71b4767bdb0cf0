import fc from 'fast-check';
import { describe, it, expect, expectTypeOf } from 'vitest';
import {
  ProtocolError,
  array,
  bytes,
  guid,
  i32,
  oneOf,
  reserved,
  struct,
  u8,
  u16,
  u16be,
  u32,
  u32be,
  u64,
  u64be,
  utf16,
  type FieldType,
  type Infer,
} from './index.js';
import { anyLayoutWithValue } from './test-fixtures/random-layouts.js';
import { thrownBy } from './testing/golden.js';

/** A layout holding one field of `type`, to see what the type does on the wire. */
const probe = (type: FieldType<unknown>) => struct('Probe', { value: type });
const encoded = (type: FieldType<unknown>, value: unknown) => [...probe(type).encode({ value })];
const decoded = (type: FieldType<unknown>, wire: number[]) => probe(type).decode(new Uint8Array(wire)).value;
const writeError = (type: FieldType<unknown>, value: unknown) => thrownBy(() => probe(type).encode({ value }));

describe('integer types', () => {
  it.each([
    ['u8', u8, 0xab, [0xab]],
    ['u16', u16, 0x0102, [0x02, 0x01]],
    ['u32', u32, 0x01020304, [0x04, 0x03, 0x02, 0x01]],
    ['i32', i32, -2, [0xfe, 0xff, 0xff, 0xff]],
    ['u64', u64, 0x0102030405060708n, [0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01]],
    ['u16be', u16be, 0x0102, [0x01, 0x02]],
    ['u32be', u32be, 0x01020304, [0x01, 0x02, 0x03, 0x04]],
    ['u64be', u64be, 0x0102030405060708n, [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]],
  ])('%s is stored in its byte order and size', (_, type, value, wire) => {
    expect(type.size).toBe(wire.length);
    expect(encoded(type, value)).toEqual(wire);
    expect(decoded(type, wire)).toBe(value);
  });

  it.each([
    ['u8', u8, [0, 0xff], [-1, 0x100, 1.5, NaN, Infinity, '1', 1n, undefined]],
    ['u16', u16, [0, 0xffff], [-1, 0x1_0000]],
    ['u32', u32, [0, 0xffff_ffff], [-1, 0x1_0000_0000]],
    ['i32', i32, [-0x8000_0000, 0x7fff_ffff], [-0x8000_0001, 0x8000_0000]],
    ['u64', u64, [0n, 2n ** 64n - 1n], [-1n, 2n ** 64n, 1, '1']],
    ['u16be', u16be, [0, 0xffff], [-1, 0x1_0000]],
    ['u32be', u32be, [0, 0xffff_ffff], [-1, 0x1_0000_0000]],
    ['u64be', u64be, [0n, 2n ** 64n - 1n], [-1n, 2n ** 64n, 1]],
  ])('%s holds exactly its range of integers', (name, type, accepted, rejected) => {
    for (const value of accepted) expect(decoded(type, encoded(type, value))).toBe(value);
    for (const value of rejected) {
      const error = writeError(type, value);
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ layout: 'Probe', path: 'value', offset: 0 });
      expect((error as ProtocolError).message).toMatch(new RegExp(`^Probe\\.value: ${name} cannot hold `));
    }
  });

  it('says which range was expected', () => {
    expect(writeError(u8, 256)).toHaveProperty(
      'message',
      'Probe.value: u8 cannot hold 256: expected an integer from 0 to 255',
    );
    expect(writeError(u64, 5)).toHaveProperty(
      'message',
      'Probe.value: u64 cannot hold 5: expected a bigint from 0 to 18446744073709551615',
    );
  });
});

describe('guid', () => {
  const text = 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f';
  const wire = [0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d, 0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f];

  it('is stored in the Windows mixed-endian order and read as canonical lowercase text', () => {
    expect(guid.size).toBe(16);
    expect(encoded(guid, text)).toEqual(wire);
    expect(decoded(guid, wire)).toBe(text);
  });

  it('writes any text parseGuid accepts', () => {
    expect(encoded(guid, `{${text.toUpperCase()}}`)).toEqual(wire);
  });

  it('rejects malformed GUID text', () => {
    expect(writeError(guid, 'ba6163d9-04a1-4d29-b605')).toMatchObject({
      message: 'Probe.value: malformed GUID "ba6163d9-04a1-4d29-b605"',
      path: 'value',
    });
    expect(writeError(guid, 42)).toBeInstanceOf(ProtocolError);
  });
});

describe('bytes(n)', () => {
  it('reads a copy of its bytes, not a view of the buffer', () => {
    const wire = new Uint8Array([1, 2, 3, 4]);
    const value = probe(bytes(4)).decode(wire).value as Uint8Array;
    expect(value).toEqual(wire);
    value[0] = 99;
    expect(wire[0]).toBe(1);
  });

  it('writes shorter values zero-padded', () => {
    const view = new DataView(new Uint8Array(6).fill(0xff).buffer);
    probe(bytes(4)).write(view, 1, { value: new Uint8Array([7, 8]) });
    expect([...new Uint8Array(view.buffer)]).toEqual([0xff, 7, 8, 0, 0, 0xff]);
  });

  it('rejects values longer than the field, and values that are not a Uint8Array', () => {
    expect(writeError(bytes(4), new Uint8Array(5))).toMatchObject({
      message: 'Probe.value: 5 bytes do not fit in 4',
      path: 'value',
    });
    expect(writeError(bytes(4), [1, 2, 3, 4])).toHaveProperty(
      'message',
      'Probe.value: expected a Uint8Array, got an array of length 4',
    );
  });
});

describe('utf16(chars)', () => {
  it('stores UTF-16LE code units padded with NUL', () => {
    expect(utf16(4).size).toBe(8);
    expect(encoded(utf16(4), 'Hi')).toEqual([0x48, 0, 0x69, 0, 0, 0, 0, 0]);
  });

  it('reads up to the first NUL', () => {
    expect(decoded(utf16(4), [0x41, 0, 0, 0, 0x42, 0, 0x43, 0])).toBe('A');
  });

  it('reads a string that fills the field without a terminating NUL', () => {
    expect(decoded(utf16(2), [0x61, 0, 0x62, 0])).toBe('ab');
  });

  it('counts code units, so a character outside the BMP takes two', () => {
    expect(encoded(utf16(2), '😀')).toEqual([0x3d, 0xd8, 0x00, 0xde]);
    expect(writeError(utf16(1), '😀')).toHaveProperty(
      'message',
      'Probe.value: a string of 2 UTF-16 code units does not fit in 1',
    );
  });

  it('rejects strings with a NUL inside, which would not read back, and non-strings', () => {
    expect(writeError(utf16(4), 'a\0b')).toMatchObject({ path: 'value' });
    expect(writeError(utf16(4), 42)).toHaveProperty('message', 'Probe.value: expected a string, got 42');
  });
});

describe('array(element, count)', () => {
  it('stores its elements one after another', () => {
    expect(array(u16, 3).size).toBe(6);
    expect(encoded(array(u16, 3), [1, 2, 3])).toEqual([1, 0, 2, 0, 3, 0]);
    expect(decoded(array(u16, 3), [1, 0, 2, 0, 3, 0])).toEqual([1, 2, 3]);
  });

  it('requires exactly count elements', () => {
    expect(writeError(array(u16, 3), [1, 2])).toMatchObject({
      message: 'Probe.value: expected an array of length 3, got an array of length 2',
      path: 'value',
    });
    expect(writeError(array(u16, 3), 'abc')).toBeInstanceOf(ProtocolError);
  });

  it('reports the index of a bad element in the path', () => {
    expect(writeError(array(u8, 3), [1, 2, 300])).toMatchObject({ path: 'value[2]', offset: 2 });
    const Pair = struct('Pair', { a: u8, b: u8 });
    expect(writeError(array(Pair, 2), [{ a: 1, b: 2 }, { a: 3, b: -4 }])).toMatchObject({
      message: 'Probe.value[1].b: u8 cannot hold -4: expected an integer from 0 to 255',
      offset: 3,
    });
  });
});

describe('reserved(n)', () => {
  const Padded = struct('Padded', { a: u8, padding: reserved(3), b: u32 });

  it('is written as zeros', () => {
    const view = new DataView(new Uint8Array(8).fill(0xff).buffer);
    Padded.write(view, 0, { a: 1, b: 2 });
    expect([...new Uint8Array(view.buffer)]).toEqual([1, 0, 0, 0, 2, 0, 0, 0]);
  });

  it('is skipped on read, whatever it holds', () => {
    const value = Padded.decode(new Uint8Array([1, 9, 9, 9, 2, 0, 0, 0]));
    expect(value).toEqual({ a: 1, b: 2 });
    expect(Object.keys(value)).toEqual(['a', 'b']);
  });

  it('does not appear in the value type', () => {
    expectTypeOf<Infer<typeof Padded>>().toEqualTypeOf<{ a: number; b: number }>();
  });
});

describe('oneOf(base, values)', () => {
  const MessageKind = oneOf(u32, [1, 2, 3]);

  it('has the size of its base and the listed values as its type', () => {
    expect(MessageKind.size).toBe(4);
    expectTypeOf<Infer<typeof MessageKind>>().toEqualTypeOf<1 | 2 | 3>();
  });

  it('reads and writes the listed values', () => {
    expect(encoded(MessageKind, 3)).toEqual([3, 0, 0, 0]);
    expect(decoded(MessageKind, [2, 0, 0, 0])).toBe(2);
  });

  it('rejects any other value on write, naming the field and the value', () => {
    expect(writeError(MessageKind, 4)).toMatchObject({
      message: 'Probe.value: unknown value 4, expected one of 1, 2, 3',
      path: 'value',
    });
  });

  it('rejects any other value on read, naming the field and the value', () => {
    const error = thrownBy(() => decoded(MessageKind, [4, 0, 0, 0]));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ message: 'Probe.value: unknown value 4, expected one of 1, 2, 3', offset: 0 });
  });
});

describe('nested structs', () => {
  const Point = struct('Point', { x: i32, y: i32 });
  const Segment = struct('Segment', { from: Point, to: Point });

  it('are fields like any other', () => {
    expect(Segment.size).toBe(16);
    expect([...Segment.encode({ from: { x: 1, y: -1 }, to: { x: 2, y: 3 } })]).toEqual([
      1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 3, 0, 0, 0,
    ]);
    expectTypeOf<Infer<typeof Segment>>().toEqualTypeOf<{
      from: { x: number; y: number };
      to: { x: number; y: number };
    }>();
  });

  it('must be given an object', () => {
    expect(thrownBy(() => Segment.encode({ from: { x: 1, y: 1 }, to: 7 as never }))).toMatchObject({
      message: 'Segment.to: expected an object, got 7',
    });
  });
});

describe('every field type', () => {
  it('reads back what it wrote, in any layout, at any offset, in any kind of buffer, touching no other byte', () => {
    fc.assert(
      fc.property(
        anyLayoutWithValue,
        fc.nat(8),
        fc.nat(8),
        fc.boolean(),
        ({ layout, value }, viewStart, offset, shared) => {
          const length = viewStart + offset + layout.size + 3;
          const buffer = shared ? new SharedArrayBuffer(length) : new ArrayBuffer(length);
          const all = new Uint8Array(buffer).fill(0xa5);
          const view = new DataView(buffer, viewStart);
          layout.write(view, offset, value);
          expect(layout.read(view, offset)).toEqual(value);
          const start = viewStart + offset;
          const outside = [...all.subarray(0, start), ...all.subarray(start + layout.size)];
          expect(outside.every((byte) => byte === 0xa5)).toBe(true);
        },
      ),
    );
  });
});

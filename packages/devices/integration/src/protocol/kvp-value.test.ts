import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  expectGolden,
  expectOnlyProtocolErrors,
  expectProtocolError,
  field,
  hex,
  onlyProtocolErrors,
  toHex,
  zeros,
} from '@tsvisor/wire/testing';
import {
  KVP_MAX_KEY_SIZE,
  KVP_MAX_VALUE_SIZE,
  KvpExchangeValue,
  KvpValueType,
  decodeKvpString,
  encodeKvpString,
  encodeKvpValue,
  kvpExchangeValue,
  readKvpKey,
  readKvpValue,
  type KvpValue,
} from './kvp-value.js';

/** A record with key "A" and the string value "hi". */
const RECORD = {
  valueType: KvpValueType.STRING,
  keySize: 4,
  valueSize: 6,
  key: field('41 00 00 00', KVP_MAX_KEY_SIZE),
  value: field('68 00 69 00 00 00', KVP_MAX_VALUE_SIZE),
};

describe('KVP records (PROTOCOLS.md §5)', () => {
  it('KvpExchangeValue: golden bytes (u32 type, u32 key_size, u32 value_size, key[512], value[2048])', () => {
    expectGolden(
      KvpExchangeValue,
      RECORD,
      '01 00 00 00  04 00 00 00  06 00 00 00  41 00 00 00' + zeros(508) + '68 00 69 00 00 00' + zeros(2042),
    );
    expect(KvpExchangeValue.size).toBe(2572);
    expect(KvpValueType).toEqual({ STRING: 1, EXPAND_STRING: 2, DWORD: 4, QWORD: 11 });
  });

  it('encodes strings as UTF-16LE with the NUL, the size counting bytes', () => {
    expect(toHex(encodeKvpString('Aé', KVP_MAX_KEY_SIZE))).toBe('41 00 e9 00 00 00');
    expect(toHex(encodeKvpString('\u{1F600}', KVP_MAX_KEY_SIZE))).toBe('3d d8 00 de 00 00');
    expect(toHex(encodeKvpString('', KVP_MAX_KEY_SIZE))).toBe('00 00');
    expect(encodeKvpString('x'.repeat(255), KVP_MAX_KEY_SIZE)).toHaveLength(512);
    expect(encodeKvpString('x'.repeat(1023), KVP_MAX_VALUE_SIZE)).toHaveLength(2048);
  });

  it('refuses strings that do not fit with their NUL, or hold a NUL', () => {
    expect(() => encodeKvpString('x'.repeat(256), KVP_MAX_KEY_SIZE)).toThrow(RangeError);
    expect(() => encodeKvpString('x'.repeat(1024), KVP_MAX_VALUE_SIZE)).toThrow(RangeError);
    expect(() => encodeKvpString('a\0b', KVP_MAX_KEY_SIZE)).toThrow(RangeError);
  });

  it('decodes strings, refusing odd sizes, sizes without room for the NUL, a missing NUL and a NUL inside', () => {
    expect(decodeKvpString(hex('41 00 e9 00 00 00'))).toBe('Aé');
    expect(decodeKvpString(hex('00 00'))).toBe('');
    expectProtocolError(() => decodeKvpString(hex('41 00 00')), { layout: 'KvpString', path: 'size' });
    expectProtocolError(() => decodeKvpString(new Uint8Array(0)), { layout: 'KvpString', path: 'size' });
    expectProtocolError(() => decodeKvpString(hex('41 00 42 00')), { layout: 'KvpString', path: 'text', offset: 2 });
    expectProtocolError(() => decodeKvpString(hex('41 00 00 00 42 00 00 00')), {
      layout: 'KvpString',
      path: 'text',
      offset: 2,
    });
  });

  it('reads keys against their record, naming keySize or key at their offsets', () => {
    expect(readKvpKey(RECORD)).toBe('A');
    expectProtocolError(() => readKvpKey({ ...RECORD, keySize: 3 }, 100), {
      layout: 'KvpExchangeValue',
      path: 'keySize',
      offset: 104,
    });
    expectProtocolError(() => readKvpKey({ ...RECORD, keySize: 0 }), { layout: 'KvpExchangeValue', path: 'keySize' });
    expectProtocolError(() => readKvpKey({ ...RECORD, keySize: 514 }), { layout: 'KvpExchangeValue', path: 'keySize' });
    expectProtocolError(() => readKvpKey({ ...RECORD, keySize: 0xffff_fffe }), {
      layout: 'KvpExchangeValue',
      path: 'keySize',
    });
    expectProtocolError(() => readKvpKey({ ...RECORD, keySize: 2 }), {
      layout: 'KvpExchangeValue',
      path: 'key',
      offset: 12,
    });
    expectProtocolError(() => readKvpKey({ ...RECORD, keySize: 6 }), {
      layout: 'KvpExchangeValue',
      path: 'key',
      offset: 14,
    });
    const full = { ...RECORD, keySize: 512, key: new Uint8Array(512).fill(0x41) };
    expectProtocolError(() => readKvpKey(full), { layout: 'KvpExchangeValue', path: 'key', offset: 12 + 510 });
  });

  it('reads each value type', () => {
    const dword = { ...RECORD, valueType: KvpValueType.DWORD, valueSize: 4, value: field('78 56 34 12', 2048) };
    const qword = {
      ...RECORD,
      valueType: KvpValueType.QWORD,
      valueSize: 8,
      value: field('08 07 06 05 04 03 02 01', 2048),
    };
    expect(readKvpValue(RECORD)).toEqual({ type: KvpValueType.STRING, text: 'hi' });
    expect(readKvpValue({ ...RECORD, valueType: KvpValueType.EXPAND_STRING })).toEqual({ type: 2, text: 'hi' });
    expect(readKvpValue(dword)).toEqual({ type: KvpValueType.DWORD, value: 0x12345678 });
    expect(readKvpValue(qword)).toEqual({ type: KvpValueType.QWORD, value: 0x0102030405060708n });
  });

  it('malformed values are ProtocolErrors naming valueType, valueSize or value', () => {
    expectProtocolError(() => readKvpValue({ ...RECORD, valueType: 3 }), {
      layout: 'KvpExchangeValue',
      path: 'valueType',
      offset: 0,
    });
    expectProtocolError(() => readKvpValue({ ...RECORD, valueSize: 5 }), {
      layout: 'KvpExchangeValue',
      path: 'valueSize',
      offset: 8,
    });
    expectProtocolError(() => readKvpValue({ ...RECORD, valueSize: 2050 }), {
      layout: 'KvpExchangeValue',
      path: 'valueSize',
    });
    expectProtocolError(() => readKvpValue({ ...RECORD, valueSize: 4 }), {
      layout: 'KvpExchangeValue',
      path: 'value',
      offset: 524 + 2,
    });
    expectProtocolError(() => readKvpValue({ ...RECORD, valueType: KvpValueType.DWORD, valueSize: 8 }), {
      layout: 'KvpExchangeValue',
      path: 'valueSize',
    });
    expectProtocolError(() => readKvpValue({ ...RECORD, valueType: KvpValueType.QWORD, valueSize: 4 }), {
      layout: 'KvpExchangeValue',
      path: 'valueSize',
    });
  });

  it('a record without a value has zero value fields, as in a GET request', () => {
    expect(toHex(KvpExchangeValue.encode(kvpExchangeValue('A')))).toBe(
      toHex(hex('00 00 00 00 04 00 00 00 00 00 00 00 41 00 00 00' + zeros(2556))),
    );
  });

  it('typed values survive encoding and reading', () => {
    const value: fc.Arbitrary<KvpValue> = fc.oneof(
      fc.record({
        type: fc.constantFrom(KvpValueType.STRING, KvpValueType.EXPAND_STRING),
        text: fc
          .string({ unit: 'binary', maxLength: 1023 })
          .filter((text) => !text.includes('\0') && text.length <= 1023),
      }),
      fc.record({ type: fc.constant(KvpValueType.DWORD), value: fc.integer({ min: 0, max: 0xffff_ffff }) }),
      fc.record({ type: fc.constant(KvpValueType.QWORD), value: fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }) }),
    );
    const key = fc
      .string({ unit: 'binary', maxLength: 255 })
      .filter((text) => !text.includes('\0') && text.length <= 255);
    fc.assert(
      fc.property(key, value, (k, v) => {
        const decoded = KvpExchangeValue.decode(KvpExchangeValue.encode(kvpExchangeValue(k, v)));
        expect(readKvpKey(decoded)).toBe(k);
        expect(readKvpValue(decoded)).toEqual(v);
      }),
      { numRuns: 100 },
    );
    expect(() => encodeKvpValue({ type: KvpValueType.DWORD, value: -1 })).toThrow(RangeError);
    expect(() => encodeKvpValue({ type: KvpValueType.QWORD, value: 1n << 64n })).toThrow(RangeError);
  });

  it('reading random records throws nothing but ProtocolError', () => {
    const record = fc.record({
      valueType: fc.oneof(fc.constantFrom(1, 2, 4, 11), fc.nat()),
      keySize: fc.oneof(fc.nat({ max: 520 }), fc.nat()),
      valueSize: fc.oneof(fc.nat({ max: 2060 }), fc.nat()),
      key: fc
        .uint8Array({ minLength: 512, maxLength: 512 })
        .map((bytes) => bytes.map((byte) => (byte < 40 ? 0 : byte))),
      value: fc
        .uint8Array({ minLength: 2048, maxLength: 2048 })
        .map((bytes) => bytes.map((byte) => (byte < 40 ? 0 : byte))),
    });
    fc.assert(
      fc.property(record, (r) => {
        onlyProtocolErrors(() => readKvpKey(r));
        onlyProtocolErrors(() => readKvpValue(r));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => onlyProtocolErrors(() => decodeKvpString(bytes))),
    );
    expectOnlyProtocolErrors([KvpExchangeValue]);
  });
});

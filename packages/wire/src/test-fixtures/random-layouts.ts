import fc from 'fast-check';
import {
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
  type Layout,
} from '../index.js';

/** A field type with an arbitrary of the values it holds. */
interface FieldSample {
  readonly type: FieldType<unknown>;
  readonly values: fc.Arbitrary<unknown>;
  /** True for reserved fields, which have no property in a struct's value. */
  readonly reserved?: boolean;
}

/** A random struct layout with an arbitrary of its values. */
export interface LayoutSample {
  readonly layout: Layout<Record<string, unknown>>;
  readonly values: fc.Arbitrary<Record<string, unknown>>;
}

const U64_MAX = 2n ** 64n - 1n;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Any UTF-16 code unit but NUL, lone surrogates included. */
const codeUnit = fc.integer({ min: 1, max: 0xffff }).map((unit) => String.fromCharCode(unit));

const sample = <T>(type: FieldType<T>, values: fc.Arbitrary<T>): FieldSample => ({ type, values });

const scalarFields: fc.Arbitrary<FieldSample>[] = [
  fc.constant(sample(u8, fc.integer({ min: 0, max: 0xff }))),
  fc.constant(sample(u16, fc.integer({ min: 0, max: 0xffff }))),
  fc.constant(sample(u32, fc.integer({ min: 0, max: 0xffff_ffff }))),
  fc.constant(sample(i32, fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }))),
  fc.constant(sample(u64, fc.bigInt({ min: 0n, max: U64_MAX }))),
  fc.constant(sample(u16be, fc.integer({ min: 0, max: 0xffff }))),
  fc.constant(sample(u32be, fc.integer({ min: 0, max: 0xffff_ffff }))),
  fc.constant(sample(u64be, fc.bigInt({ min: 0n, max: U64_MAX }))),
  fc.constant(sample(guid, fc.stringMatching(GUID))),
  fc.nat(24).map((length) => sample(bytes(length), fc.uint8Array({ minLength: length, maxLength: length }))),
  fc.nat(12).map((chars) => sample(utf16(chars), fc.string({ unit: codeUnit, maxLength: chars }))),
  fc.nat(8).map((length): FieldSample => ({ type: reserved(length), values: fc.constant(undefined), reserved: true })),
  fc
    .uniqueArray(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 5 })
    .map((values) => sample(oneOf(u16, values), fc.constantFrom(...values))),
];

function arrayOf(element: fc.Arbitrary<FieldSample>): fc.Arbitrary<FieldSample> {
  return fc.tuple(element, fc.nat(3)).map(([{ type, values }, count]) => ({
    type: array(type, count),
    values: fc.array(values, { minLength: count, maxLength: count }),
  }));
}

function structOf(field: fc.Arbitrary<FieldSample>): fc.Arbitrary<LayoutSample> {
  return fc.array(field, { maxLength: 5 }).map((samples) => {
    const named = samples.map((fieldSample, index) => ({ ...fieldSample, name: `field${index}` }));
    const valued = named.filter((fieldSample) => !fieldSample.reserved);
    return {
      layout: struct('Random', Object.fromEntries(named.map(({ name, type }) => [name, type]))),
      values: fc.record(Object.fromEntries(valued.map(({ name, values }) => [name, values]))),
    };
  });
}

const anyField: fc.Memo<FieldSample> = fc.memo((depth) => {
  if (depth <= 1) return fc.oneof(...scalarFields);
  const nested = anyField(depth - 1);
  const nestedStruct = structOf(nested).map(({ layout, values }) => ({ type: layout, values }));
  return fc.oneof(...scalarFields, arrayOf(nested), nestedStruct);
});

/** Random struct layouts over every field type, with arrays and structs nested up to three deep. */
export const anyLayout: fc.Arbitrary<LayoutSample> = structOf(anyField(3));

/** A random layout with one of its values. */
export const anyLayoutWithValue = anyLayout.chain(({ layout, values }) => values.map((value) => ({ layout, value })));

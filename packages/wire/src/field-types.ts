import { FieldFault } from './field-fault.js';
import { readGuid, writeGuid, type Guid } from './guid.js';
import { describeValue } from './protocol-error.js';

/**
 * Where a part of a composite field lies, relative to the field's start.
 * @internal
 */
export interface FieldSpot {
  /** Path of the part, each segment with its separator: `.name` or `[index]`. */
  readonly path: string;
  readonly offset: number;
  readonly size: number;
}

/**
 * A type of field in a struct `Layout`: a fixed number of bytes holding a value of type `T`.
 * Every `struct` layout is itself a field type, so layouts nest.
 *
 * The methods are the codec's internals: read and write through a `Layout`, which checks bounds
 * and reports problems as `ProtocolError`s.
 */
export interface FieldType<T> {
  /** Bytes the field occupies on the wire. */
  readonly size: number;
  /**
   * Decodes the value at `offset`, which the calling layout has checked to be in bounds.
   * @internal
   */
  readAt(view: DataView, offset: number): T;
  /**
   * Validates `value` and encodes it at `offset`, which the calling layout has checked to be in
   * bounds. Throws a `FieldFault` for a value the field cannot hold.
   * @internal
   */
  writeAt(view: DataView, offset: number, value: T): void;
  /**
   * For composite fields: the first part that does not fit in `room` bytes (0 ≤ `room` < `size`).
   * @internal
   */
  locate?(room: number): FieldSpot | undefined;
}

/** The value type of a field type or layout: `Infer<typeof u8>` is `number`. */
export type Infer<F> = F extends FieldType<infer T> ? T : never;

/** The field type made by {@link reserved}: its key does not appear in the struct's value type. */
export interface ReservedField extends FieldType<undefined> {
  readonly reserved: true;
}

/**
 * Where the part of `type`, placed at `offset` under `segment`, that does not fit in `room`
 * bytes lies: `type` itself for a scalar, the first part that does not fit for a composite.
 * @internal
 */
export function spotIn(segment: string, offset: number, type: FieldType<unknown>, room: number): FieldSpot {
  const inner = type.locate?.(room - offset);
  return inner
    ? { path: segment + inner.path, offset: offset + inner.offset, size: inner.size }
    : { path: segment, offset, size: type.size };
}

function bytesAt(view: DataView, offset: number, length: number): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset + offset, length);
}

/** A Uint8Array from any realm: the guest and the host each have their own `Uint8Array`. */
function isUint8Array(value: unknown): value is Uint8Array {
  return Object.prototype.toString.call(value) === '[object Uint8Array]';
}

function checkCount(what: string, count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${count}`);
  }
}

const { getUint8, setUint8, getUint16, setUint16, getUint32, setUint32, getInt32, setInt32 } = DataView.prototype;
const { getBigUint64, setBigUint64 } = DataView.prototype;
const LITTLE_ENDIAN = true;

/** The one factory behind every integer type: `get` and `set` are `DataView` accessors. */
function integer<T extends number | bigint>(
  name: string,
  size: number,
  min: T,
  max: T,
  get: (this: DataView, offset: number, littleEndian?: boolean) => T,
  set: (this: DataView, offset: number, value: T, littleEndian?: boolean) => void,
  littleEndian = false,
): FieldType<T> {
  const expected = `${typeof min === 'bigint' ? 'a bigint' : 'an integer'} from ${min} to ${max}`;
  return {
    size,
    readAt: (view, offset) => get.call(view, offset, littleEndian),
    writeAt(view, offset, value) {
      const valid =
        typeof value === typeof min &&
        (typeof value === 'bigint' || Number.isInteger(value)) &&
        value >= min &&
        value <= max;
      if (!valid) throw new FieldFault(`${name} cannot hold ${describeValue(value)}: expected ${expected}`, offset);
      set.call(view, offset, value, littleEndian);
    },
  };
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Unsigned 8-bit integer. */
export const u8 = integer<number>('u8', 1, 0, 0xff, getUint8, setUint8);

/** Unsigned 16-bit little-endian integer. */
export const u16 = integer<number>('u16', 2, 0, 0xffff, getUint16, setUint16, LITTLE_ENDIAN);

/** Unsigned 32-bit little-endian integer. */
export const u32 = integer<number>('u32', 4, 0, 0xffff_ffff, getUint32, setUint32, LITTLE_ENDIAN);

/** Signed 32-bit little-endian integer. */
export const i32 = integer<number>('i32', 4, -0x8000_0000, 0x7fff_ffff, getInt32, setInt32, LITTLE_ENDIAN);

/** Unsigned 64-bit little-endian integer, as a bigint. */
export const u64 = integer<bigint>('u64', 8, 0n, U64_MAX, getBigUint64, setBigUint64, LITTLE_ENDIAN);

/** Unsigned 16-bit big-endian integer. */
export const u16be = integer<number>('u16be', 2, 0, 0xffff, getUint16, setUint16);

/** Unsigned 32-bit big-endian integer. */
export const u32be = integer<number>('u32be', 4, 0, 0xffff_ffff, getUint32, setUint32);

/** Unsigned 64-bit big-endian integer, as a bigint. */
export const u64be = integer<bigint>('u64be', 8, 0n, U64_MAX, getBigUint64, setBigUint64);

/**
 * A 16-byte GUID in the Windows mixed-endian order (first group a little-endian u32, the next two
 * little-endian u16s, the last eight bytes as written). Reads as canonical lowercase text; writes
 * any text `parseGuid` accepts.
 */
export const guid: FieldType<Guid> = {
  size: 16,
  readAt: readGuid,
  writeAt(view, offset, value) {
    if (!writeGuid(view, offset, value)) throw new FieldFault(`malformed GUID ${describeValue(value)}`, offset);
  },
};

/**
 * `length` raw bytes. Reads return a copy; writes accept up to `length` bytes and zero the rest.
 * @param length - Size of the field in bytes.
 */
export function bytes(length: number): FieldType<Uint8Array> {
  checkCount('bytes length', length);
  return {
    size: length,
    readAt: (view, offset) => bytesAt(view, offset, length).slice(),
    writeAt(view, offset, value) {
      if (!isUint8Array(value)) throw new FieldFault(`expected a Uint8Array, got ${describeValue(value)}`, offset);
      if (value.length > length) throw new FieldFault(`${value.length} bytes do not fit in ${length}`, offset);
      const target = bytesAt(view, offset, length);
      target.set(value);
      target.fill(0, value.length);
    },
  };
}

/**
 * A fixed-length UTF-16LE string of `chars` code units, NUL-padded. Reads stop at the first NUL.
 * Writes reject strings longer than `chars` and strings with a NUL inside (they would not read back).
 * @param chars - Size of the field in UTF-16 code units (two bytes each).
 */
export function utf16(chars: number): FieldType<string> {
  checkCount('utf16 length', chars);
  return {
    size: 2 * chars,
    readAt(view, offset) {
      let text = '';
      for (let index = 0; index < chars; index++) {
        const unit = view.getUint16(offset + 2 * index, true);
        if (unit === 0) break;
        text += String.fromCharCode(unit);
      }
      return text;
    },
    writeAt(view, offset, value) {
      if (typeof value !== 'string') throw new FieldFault(`expected a string, got ${describeValue(value)}`, offset);
      if (value.length > chars) {
        throw new FieldFault(`a string of ${value.length} UTF-16 code units does not fit in ${chars}`, offset);
      }
      if (value.includes('\0')) throw new FieldFault('a string with a NUL inside would not read back', offset);
      for (let index = 0; index < chars; index++) {
        view.setUint16(offset + 2 * index, index < value.length ? value.charCodeAt(index) : 0, true);
      }
    },
  };
}

/**
 * A fixed array of `count` elements, one after the other. Writes require exactly `count` elements.
 * @param element - Type of each element.
 * @param count - Number of elements.
 */
export function array<T>(element: FieldType<T>, count: number): FieldType<T[]> {
  checkCount('array count', count);
  return {
    size: element.size * count,
    readAt(view, offset) {
      const values: T[] = [];
      for (let index = 0; index < count; index++) {
        try {
          values.push(element.readAt(view, offset + index * element.size));
        } catch (error) {
          throw FieldFault.within(error, `[${index}]`);
        }
      }
      return values;
    },
    writeAt(view, offset, values) {
      if (!Array.isArray(values) || values.length !== count) {
        throw new FieldFault(`expected an array of length ${count}, got ${describeValue(values)}`, offset);
      }
      for (const [index, value] of values.entries()) {
        try {
          element.writeAt(view, offset + index * element.size, value);
        } catch (error) {
          throw FieldFault.within(error, `[${index}]`);
        }
      }
    },
    locate(room) {
      const index = Math.floor(room / element.size);
      return spotIn(`[${index}]`, index * element.size, element, room);
    },
  };
}

/**
 * `length` bytes the protocol reserves: skipped on read, written as zeros, and left out of the
 * struct's value type.
 * @param length - Size of the field in bytes.
 */
export function reserved(length: number): ReservedField {
  checkCount('reserved length', length);
  return {
    reserved: true,
    size: length,
    readAt: () => undefined,
    writeAt(view, offset) {
      bytesAt(view, offset, length).fill(0);
    },
  };
}

/**
 * An integer that must be one of `values`, such as a message type. Reading or writing any other
 * value is a `ProtocolError` naming the field and the value.
 * @param base - The integer type on the wire.
 * @param values - The values the protocol defines; the value type is their union.
 */
export function oneOf<const V extends readonly number[]>(base: FieldType<number>, values: V): FieldType<V[number]> {
  const allowed: ReadonlySet<number> = new Set(values);
  const isAllowed = (value: unknown): value is V[number] => allowed.has(value as number);
  const unknownValue = (value: unknown, offset: number) =>
    new FieldFault(`unknown value ${describeValue(value)}, expected one of ${values.join(', ')}`, offset);
  return {
    size: base.size,
    readAt(view, offset) {
      const value = base.readAt(view, offset);
      if (!isAllowed(value)) throw unknownValue(value, offset);
      return value;
    },
    writeAt(view, offset, value) {
      if (!isAllowed(value)) throw unknownValue(value, offset);
      base.writeAt(view, offset, value);
    },
  };
}

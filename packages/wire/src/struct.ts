import { FieldFault } from './field-fault.js';
import { spotIn, type FieldSpot, type FieldType, type Infer, type ReservedField } from './field-types.js';
import { ProtocolError, describeValue } from './protocol-error.js';

/**
 * A struct layout declared with {@link struct}: a fixed-size binary record whose value type `T`
 * is inferred from the declaration. A layout is also a field type, so layouts nest.
 */
export interface Layout<T> extends FieldType<T> {
  /** The name given to `struct`; error messages start with it. */
  readonly name: string;
  /** Size of the record in bytes. */
  readonly size: number;
  /**
   * Decodes the record at `offset` (default 0).
   * @throws {@link ProtocolError} if the record does not fit in `view` at `offset`, or a field holds
   * a value the protocol does not allow.
   */
  read(view: DataView, offset?: number): T;
  /**
   * Encodes `value` at `offset`. Bounds are checked before anything is written; a field value that
   * fails validation stops the write there, leaving the fields before it written.
   * @throws {@link ProtocolError} if the record does not fit in `view` at `offset`, or a field value
   * is invalid for its type.
   */
  write(view: DataView, offset: number, value: T): void;
  /**
   * Byte offset of a top-level field from the start of the record, for hot paths that access a
   * single field through `DataView` directly.
   */
  offsetOf(field: keyof T & string): number;
  /** Encodes `value` into a new array of {@link Layout.size} bytes. */
  encode(value: T): Uint8Array;
  /** Decodes the record at `offset` (default 0) of `bytes`; see {@link Layout.read}. */
  decode(bytes: Uint8Array, offset?: number): T;
}

type Fields = Record<string, FieldType<unknown>>;

/** The value type of a struct with these fields: one property per field except reserved ones. */
type StructValue<F extends Fields> = {
  [K in keyof F as F[K] extends ReservedField ? never : K]: Infer<F[K]>;
};

/** A field of a struct, precomputed at declaration. */
interface Field {
  readonly name: string;
  /** The field's path segment, `.name`. */
  readonly segment: string;
  /** Offset from the start of the struct. */
  readonly offset: number;
  readonly type: FieldType<unknown>;
}

/** Keys that JavaScript enumerates before all others, whatever the declaration order. */
const INTEGER_LIKE_KEY = /^(?:0|[1-9]\d*)$/;

/**
 * Declares a struct layout. Fields are laid out in the order of the object's keys, with no
 * padding: declare padding explicitly with `reserved(n)`. Little-endian unless a type says `be`.
 *
 * @example
 * ```ts
 * const PacketDescriptor = struct('PacketDescriptor', {
 *   type: u16, dataOffset8: u16, length8: u16, flags: u16, transactionId: u64,
 * });
 * const packet = PacketDescriptor.read(view, 0); // { type: number, …, transactionId: bigint }
 * ```
 *
 * @param name - Name of the layout, used in error messages.
 * @param fields - Field types in wire order. Keys must not be integer-like (`'0'`, `'1'`…), since
 * JavaScript would not keep their declaration order.
 */
export function struct<F extends Fields>(name: string, fields: F): Layout<StructValue<F>> {
  type T = StructValue<F>;
  let size = 0;
  const all: Field[] = Object.entries(fields).map(([fieldName, type]) => {
    if (INTEGER_LIKE_KEY.test(fieldName)) {
      throw new TypeError(`${name}: field name '${fieldName}' is integer-like, so its wire order would be lost`);
    }
    const field = { name: fieldName, segment: `.${fieldName}`, offset: size, type };
    size += type.size;
    return field;
  });
  const visible = all.filter((field) => !('reserved' in field.type));
  const offsets = new Map(visible.map((field) => [field.name, field.offset]));

  function readAt(view: DataView, offset: number): T {
    const value: Record<string, unknown> = {};
    for (const field of visible) {
      try {
        value[field.name] = field.type.readAt(view, offset + field.offset);
      } catch (error) {
        throw FieldFault.within(error, field.segment);
      }
    }
    return value as T;
  }

  function writeAt(view: DataView, offset: number, value: T): void {
    if (typeof value !== 'object' || value === null) {
      throw new FieldFault(`expected an object, got ${describeValue(value)}`, offset);
    }
    const record = value as Record<string, unknown>;
    for (const field of all) {
      try {
        field.type.writeAt(view, offset + field.offset, record[field.name]);
      } catch (error) {
        throw FieldFault.within(error, field.segment);
      }
    }
  }

  function locate(room: number): FieldSpot | undefined {
    const field = all.find((candidate) => candidate.offset + candidate.type.size > room);
    return field && spotIn(field.segment, field.offset, field.type, room);
  }

  /** Throws unless the whole record fits in `view` at `offset`, naming the first field that does not. */
  function checkBounds(action: 'read' | 'write', view: DataView, offset: number): void {
    if (!Number.isInteger(offset) || offset < 0) {
      const path = locate(0)?.path.slice(1);
      throw new ProtocolError(`cannot ${action} at offset ${offset}: not a non-negative integer`, {
        layout: name,
        path,
        offset,
      });
    }
    const room = view.byteLength - offset;
    const spot = room < size ? locate(room) : undefined;
    if (!spot) return;
    const at = offset + spot.offset;
    const available = Math.max(0, room - spot.offset);
    throw new ProtocolError(
      `${action} past the end of the buffer (offset ${at}, needs ${spot.size} bytes, ${available} available)`,
      { layout: name, path: spot.path.slice(1), offset: at },
    );
  }

  /** Turns a fault from a field into the `ProtocolError` callers see. */
  function reported(error: unknown): unknown {
    if (!(error instanceof FieldFault)) return error;
    return new ProtocolError(error.message, { layout: name, path: error.path.slice(1), offset: error.offset });
  }

  function read(view: DataView, offset = 0): T {
    checkBounds('read', view, offset);
    try {
      return readAt(view, offset);
    } catch (error) {
      throw reported(error);
    }
  }

  function write(view: DataView, offset: number, value: T): void {
    checkBounds('write', view, offset);
    try {
      writeAt(view, offset, value);
    } catch (error) {
      throw reported(error);
    }
  }

  return {
    name,
    size,
    readAt,
    writeAt,
    locate,
    read,
    write,
    offsetOf(field) {
      const offset = offsets.get(field);
      if (offset === undefined) throw new RangeError(`${name} has no field ${describeValue(field)}`);
      return offset;
    },
    encode(value) {
      const bytes = new Uint8Array(size);
      write(new DataView(bytes.buffer), 0, value);
      return bytes;
    },
    decode: (bytes, offset = 0) => read(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset),
  };
}

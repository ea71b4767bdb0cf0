/**
 * The key-value record of the KVP service (`struct hv_kvp_exchg_msg_value`, PROTOCOLS.md §5) and
 * the codecs of its keys and values. Keys and string values are UTF-16LE with a terminating NUL;
 * `keySize` and `valueSize` count bytes, the NUL included.
 * @module
 */
import { ProtocolError, bytes, struct, u32, type Infer, type Layout } from '@tsvisor/wire';

/** Bytes of the key field: 255 UTF-16 code units and the NUL. */
export const KVP_MAX_KEY_SIZE = 512;

/** Bytes of the value field: 1023 UTF-16 code units and the NUL, or a DWORD or QWORD. */
export const KVP_MAX_VALUE_SIZE = 2048;

/** Registry types of {@link KvpExchangeValue.valueType}, as Windows and OpenVMM define them. */
export const KvpValueType = {
  /** `REG_SZ`: a string. */
  STRING: 1,
  /** `REG_EXPAND_SZ`: a string with environment variables to expand. */
  EXPAND_STRING: 2,
  /** `REG_DWORD`: a little-endian u32, `valueSize` 4. */
  DWORD: 4,
  /** `REG_QWORD`: a little-endian u64, `valueSize` 8. */
  QWORD: 11,
} as const;

/** A value type code: one of the values of {@link KvpValueType}. */
export type KvpValueType = (typeof KvpValueType)[keyof typeof KvpValueType];

/** A typed KVP value. */
export type KvpValue =
  | { readonly type: typeof KvpValueType.STRING | typeof KvpValueType.EXPAND_STRING; readonly text: string }
  | { readonly type: typeof KvpValueType.DWORD; readonly value: number }
  | { readonly type: typeof KvpValueType.QWORD; readonly value: bigint };

/** A key and its value. */
export interface KvpRecord {
  readonly key: string;
  readonly value: KvpValue;
}

/**
 * The key-value record (`struct hv_kvp_exchg_msg_value`, 2572 bytes). The fields are raw here:
 * {@link readKvpKey}, {@link readKvpValue} and {@link kvpExchangeValue} validate and convert them.
 */
export const KvpExchangeValue = struct('KvpExchangeValue', {
  valueType: u32,
  keySize: u32,
  valueSize: u32,
  key: bytes(KVP_MAX_KEY_SIZE),
  value: bytes(KVP_MAX_VALUE_SIZE),
});
/** Value of a {@link KvpExchangeValue}. */
export type KvpExchangeValue = Infer<typeof KvpExchangeValue>;

/**
 * `text` as UTF-16LE with a terminating NUL: a KVP string of `(text.length + 1) * 2` bytes.
 * @param capacity - Bytes of the field it goes in: {@link KVP_MAX_KEY_SIZE} or {@link KVP_MAX_VALUE_SIZE}.
 * @throws RangeError if `text` does not fit with its NUL, or has a NUL inside.
 */
export function encodeKvpString(text: string, capacity: number): Uint8Array {
  const size = (text.length + 1) * 2;
  if (size > capacity) {
    throw new RangeError(`a string of ${text.length} UTF-16 code units and its NUL do not fit in ${capacity} bytes`);
  }
  if (text.includes('\0')) throw new RangeError('a KVP string cannot hold a NUL: it ends the string');
  const out = new Uint8Array(size);
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    out[2 * index] = unit & 0xff;
    out[2 * index + 1] = unit >> 8;
  }
  return out;
}

/**
 * Where a size field and the field it measures sit in a layout, for error reports.
 * @internal
 */
export interface SizedField {
  readonly layout: string;
  readonly sizePath: string;
  readonly sizeOffset: number;
  readonly dataPath: string;
  readonly dataOffset: number;
}

function fault(message: string, where: SizedField, part: 'size' | 'data', at = 0): ProtocolError {
  return new ProtocolError(message, {
    layout: where.layout,
    path: part === 'size' ? where.sizePath : where.dataPath,
    offset: part === 'size' ? where.sizeOffset : where.dataOffset + at,
  });
}

/**
 * The string in the first `size` bytes of `field`: an even size of at least 2 that fits the field,
 * a NUL in the last code unit and none before.
 * @throws ProtocolError naming the size or the data field of `where`.
 * @internal
 */
export function decodeSizedString(field: Uint8Array, size: number, where: SizedField): string {
  if (size % 2 !== 0) throw fault(`odd size ${size}: UTF-16 strings have whole code units`, where, 'size');
  if (size < 2) throw fault(`size ${size} cannot hold the terminating NUL`, where, 'size');
  if (size > field.length) throw fault(`size ${size} exceeds the ${field.length}-byte field`, where, 'size');
  const units = size / 2;
  let text = '';
  for (let index = 0; index < units - 1; index++) {
    const unit = field[2 * index]! | (field[2 * index + 1]! << 8);
    if (unit === 0)
      throw fault(`NUL at code unit ${index}, before the end given by the size`, where, 'data', 2 * index);
    text += String.fromCharCode(unit);
  }
  if (field[size - 2] !== 0 || field[size - 1] !== 0) {
    throw fault('the string does not end with a NUL', where, 'data', size - 2);
  }
  return text;
}

/**
 * The string a KVP string field holds, validated: `bytes` is exactly the `size` bytes (even, at
 * least 2), ending with a NUL code unit and with none before.
 * @throws ProtocolError if it is malformed.
 */
export function decodeKvpString(data: Uint8Array): string {
  return decodeSizedString(data, data.length, {
    layout: 'KvpString',
    sizePath: 'size',
    sizeOffset: 0,
    dataPath: 'text',
    dataOffset: 0,
  });
}

/**
 * Where the size field `sizeField` and its data field `dataField` of `layout` sit, for the struct at `offset`.
 * @internal
 */
export function sizedField<T>(
  layout: Layout<T>,
  offset: number,
  sizeField: keyof T & string,
  dataField: keyof T & string,
): SizedField {
  return {
    layout: layout.name,
    sizePath: sizeField,
    sizeOffset: offset + layout.offsetOf(sizeField),
    dataPath: dataField,
    dataOffset: offset + layout.offsetOf(dataField),
  };
}

/**
 * The key of a decoded record.
 * @param offset - Offset of the record in the bytes it was decoded from, for error reports.
 * @throws ProtocolError naming `keySize` or `key` if the key is malformed.
 */
export function readKvpKey(record: Pick<KvpExchangeValue, 'keySize' | 'key'>, offset = 0): string {
  return decodeSizedString(record.key, record.keySize, sizedField(KvpExchangeValue, offset, 'keySize', 'key'));
}

/**
 * The typed value of a decoded record: a string (type STRING or EXPAND_STRING, validated like a
 * key), a DWORD (`valueSize` 4) or a QWORD (`valueSize` 8).
 * @param offset - Offset of the record in the bytes it was decoded from, for error reports.
 * @throws ProtocolError naming `valueType`, `valueSize` or `value` if the value is malformed.
 */
export function readKvpValue(record: Omit<KvpExchangeValue, 'keySize' | 'key'>, offset = 0): KvpValue {
  const where = sizedField(KvpExchangeValue, offset, 'valueSize', 'value');
  const { valueType: type, valueSize, value } = record;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  switch (type) {
    case KvpValueType.STRING:
    case KvpValueType.EXPAND_STRING:
      return { type, text: decodeSizedString(value, valueSize, where) };
    case KvpValueType.DWORD:
      if (valueSize !== 4) throw fault(`a DWORD value has size 4, got ${valueSize}`, where, 'size');
      return { type, value: view.getUint32(0, true) };
    case KvpValueType.QWORD:
      if (valueSize !== 8) throw fault(`a QWORD value has size 8, got ${valueSize}`, where, 'size');
      return { type, value: view.getBigUint64(0, true) };
    default:
      throw new ProtocolError(`unknown value type ${type}, expected one of ${Object.values(KvpValueType).join(', ')}`, {
        layout: KvpExchangeValue.name,
        path: 'valueType',
        offset: offset + KvpExchangeValue.offsetOf('valueType'),
      });
  }
}

/** The value fields of a record holding `value`. */
export function encodeKvpValue(value: KvpValue): Omit<KvpExchangeValue, 'keySize' | 'key'> {
  switch (value.type) {
    case KvpValueType.STRING:
    case KvpValueType.EXPAND_STRING: {
      const encoded = encodeKvpString(value.text, KVP_MAX_VALUE_SIZE);
      return { valueType: value.type, valueSize: encoded.length, value: encoded };
    }
    case KvpValueType.DWORD: {
      const encoded = new Uint8Array(4);
      if (!Number.isInteger(value.value) || value.value < 0 || value.value > 0xffff_ffff) {
        throw new RangeError(`a DWORD value is an integer from 0 to 4294967295, got ${value.value}`);
      }
      new DataView(encoded.buffer).setUint32(0, value.value, true);
      return { valueType: value.type, valueSize: 4, value: encoded };
    }
    case KvpValueType.QWORD: {
      const encoded = new Uint8Array(8);
      if (value.value < 0n || value.value > 0xffff_ffff_ffff_ffffn) {
        throw new RangeError(`a QWORD value is from 0 to 2^64 - 1, got ${value.value}`);
      }
      new DataView(encoded.buffer).setBigUint64(0, value.value, true);
      return { valueType: value.type, valueSize: 8, value: encoded };
    }
  }
}

/**
 * A record holding `key` and `value`; without a value, the value fields are zero (what the host
 * sends in a GET request).
 * @throws RangeError if the key or a string value does not fit, or a number is out of range.
 */
export function kvpExchangeValue(key: string, value?: KvpValue): KvpExchangeValue {
  const encodedKey = encodeKvpString(key, KVP_MAX_KEY_SIZE);
  const fields = value ? encodeKvpValue(value) : { valueType: 0, valueSize: 0, value: new Uint8Array(0) };
  return { ...fields, keySize: encodedKey.length, key: encodedKey };
}

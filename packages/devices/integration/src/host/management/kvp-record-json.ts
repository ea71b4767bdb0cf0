import { KvpValueType, type KvpValue } from '../../protocol/kvp-value.js';

/** A KVP value type by name: `string` (REG_SZ), `expand-string` (REG_EXPAND_SZ), `dword`, `qword`. */
export type KvpValueTypeName = 'string' | 'expand-string' | 'dword' | 'qword';

/**
 * A key and its value as plain JSON: a string for the string types, a number for a DWORD, and for
 * a QWORD a number while it is a safe integer, else its decimal digits as a string.
 */
export interface KvpRecordJson {
  readonly key: string;
  readonly value: string | number;
  readonly type: KvpValueTypeName;
}

/** `key` and `value` as a {@link KvpRecordJson}. */
export function kvpRecordJson(key: string, value: KvpValue): KvpRecordJson {
  switch (value.type) {
    case KvpValueType.STRING:
      return { key, value: value.text, type: 'string' };
    case KvpValueType.EXPAND_STRING:
      return { key, value: value.text, type: 'expand-string' };
    case KvpValueType.DWORD:
      return { key, value: value.value, type: 'dword' };
    case KvpValueType.QWORD:
      return { key, value: value.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value.value) : value.value.toString(), type: 'qword' };
  }
}

/** The typed value of a JSON input: a string (REG_SZ), an integer up to 2^32 − 1 (DWORD), a larger one (QWORD). */
export function kvpValueOf(input: string | number): KvpValue {
  if (typeof input === 'string') return { type: KvpValueType.STRING, text: input };
  return input <= 0xffff_ffff ? { type: KvpValueType.DWORD, value: input } : { type: KvpValueType.QWORD, value: BigInt(input) };
}

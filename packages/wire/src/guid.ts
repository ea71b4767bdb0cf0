import { ProtocolError, describeValue } from './protocol-error.js';

/**
 * A GUID as text. The canonical form, which every read returns, is lowercase
 * `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`; {@link parseGuid} also accepts upper case and braces.
 */
export type Guid = string;

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function withoutBraces(text: string): string {
  return text.startsWith('{') && text.endsWith('}') ? text.slice(1, -1) : text;
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/**
 * Whether `text` is a GUID that {@link parseGuid} accepts: 32 hex digits in 8-4-4-4-12 groups,
 * in any case, optionally inside braces.
 */
export function isGuid(text: unknown): boolean {
  return typeof text === 'string' && GUID_TEXT.test(withoutBraces(text));
}

/**
 * Reads the 16 bytes at `offset` as a GUID in the Windows mixed-endian order: the first group is a
 * little-endian u32, the next two are little-endian u16s, the last eight bytes are as written.
 * @internal
 */
export function readGuid(view: DataView, offset: number): Guid {
  const group1 = hex(view.getUint32(offset, true), 8);
  const group2 = hex(view.getUint16(offset + 4, true), 4);
  const group3 = hex(view.getUint16(offset + 6, true), 4);
  const group4 = hex(view.getUint16(offset + 8), 4);
  const group5 = hex(view.getUint16(offset + 10), 4) + hex(view.getUint32(offset + 12), 8);
  return `${group1}-${group2}-${group3}-${group4}-${group5}`;
}

/**
 * Writes `text` at `offset` in the order {@link readGuid} reads; writes nothing and returns false
 * if `text` is not a GUID.
 * @internal
 */
export function writeGuid(view: DataView, offset: number, text: unknown): boolean {
  if (!isGuid(text)) return false;
  const digits = withoutBraces(text as string).replaceAll('-', '');
  const number = (start: number, end: number) => Number.parseInt(digits.slice(start, end), 16);
  view.setUint32(offset, number(0, 8), true);
  view.setUint16(offset + 4, number(8, 12), true);
  view.setUint16(offset + 6, number(12, 16), true);
  view.setUint32(offset + 8, number(16, 24));
  view.setUint32(offset + 12, number(24, 32));
  return true;
}

/**
 * Converts GUID text to its 16 bytes in the Windows mixed-endian order:
 * `ba6163d9-04a1-4d29-b605-72e2ffb1dc7f` becomes `d9 63 61 ba a1 04 29 4d b6 05 72 e2 ff b1 dc 7f`.
 *
 * @param text - A GUID in any case, optionally inside braces.
 * @throws {@link ProtocolError} if `text` is not a GUID.
 */
export function parseGuid(text: string): Uint8Array {
  const bytes = new Uint8Array(16);
  if (!writeGuid(new DataView(bytes.buffer), 0, text)) throw new ProtocolError(`malformed GUID ${describeValue(text)}`);
  return bytes;
}

/**
 * Converts 16 bytes in the Windows mixed-endian order to canonical lowercase GUID text.
 *
 * @param bytes - Holds the GUID.
 * @param offset - Index of the GUID's first byte in `bytes`.
 * @throws {@link ProtocolError} if `offset` is not a non-negative integer or fewer than 16 bytes follow it.
 */
export function formatGuid(bytes: Uint8Array, offset = 0): Guid {
  if (!Number.isInteger(offset) || offset < 0 || offset + 16 > bytes.length) {
    throw new ProtocolError(`a GUID needs 16 bytes at offset ${offset} of a ${bytes.length}-byte array`, { offset });
  }
  return readGuid(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset);
}

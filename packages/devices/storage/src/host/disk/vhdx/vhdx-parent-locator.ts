import { guid, struct, u16, u32, type Guid } from '@tsvisor/wire';
import { VhdxFormatError } from './vhdx-format-error.js';

/** The parent locator item, MS-VHDX 2.6.2.6: a header, key/value entries, then UTF-16LE strings. */
const LocatorHeader = struct('VhdxParentLocatorHeader', { locatorType: guid, reserved: u16, keyValueCount: u16 });
const LocatorEntry = struct('VhdxParentLocatorEntry', { keyOffset: u32, valueOffset: u32, keyLength: u16, valueLength: u16 });

/** The locator type of a VHDX parent. */
const VHDX_PARENT_LOCATOR_TYPE: Guid = 'b04aefb7-d19e-4a81-b789-25b8e9445913';
const STRUCTURE = 'parent locator';
const UTF16 = new TextDecoder('utf-16le', { fatal: true });

/**
 * Where a differencing image's parent is: its data write GUID at the time the child was made, and
 * paths to it in the Windows forms MS-VHDX defines (`relative_path` like `.\base.vhdx`,
 * `absolute_win32_path`, `volume_path`).
 */
export interface VhdxParentLocator {
  /** The parent's data write GUID the child was made against (`parent_linkage`). */
  readonly parentLinkage: Guid;
  /** A second acceptable linkage (`parent_linkage2`), if any. */
  readonly parentLinkage2?: Guid;
  readonly relativePath?: string;
  readonly absoluteWin32Path?: string;
  readonly volumePath?: string;
}

const KEYS = {
  parent_linkage: 'parentLinkage',
  parent_linkage2: 'parentLinkage2',
  relative_path: 'relativePath',
  absolute_win32_path: 'absoluteWin32Path',
  volume_path: 'volumePath',
} as const;

function parseLinkage(value: string, field: string): Guid {
  const match = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i.exec(value);
  if (match === null) throw new VhdxFormatError(STRUCTURE, field, `${JSON.stringify(value)} is not a GUID`);
  return match[1]!.toLowerCase();
}

/**
 * Decodes and validates a parent locator item.
 * @throws {@link VhdxFormatError} on a foreign locator type, strings outside the item or not
 * UTF-16, a duplicate key, or a missing or malformed `parent_linkage`.
 */
export function decodeVhdxParentLocator(item: Uint8Array): VhdxParentLocator {
  if (item.length < LocatorHeader.size) throw new VhdxFormatError(STRUCTURE, 'length', `${item.length} bytes is too short`);
  const header = LocatorHeader.decode(item);
  if (header.locatorType !== VHDX_PARENT_LOCATOR_TYPE) {
    throw new VhdxFormatError(STRUCTURE, 'locatorType', `${header.locatorType} is not the VHDX parent locator type`);
  }
  if (LocatorHeader.size + header.keyValueCount * LocatorEntry.size > item.length) {
    throw new VhdxFormatError(STRUCTURE, 'keyValueCount', `${header.keyValueCount} entries do not fit in the item`);
  }
  const values = new Map<string, string>();
  const text = (offset: number, length: number, field: string): string => {
    if (length === 0 || length % 2 !== 0 || offset + length > item.length) {
      throw new VhdxFormatError(STRUCTURE, field, `${length} bytes at ${offset} are not UTF-16 inside the item`);
    }
    try {
      return UTF16.decode(item.subarray(offset, offset + length));
    } catch {
      throw new VhdxFormatError(STRUCTURE, field, 'is not valid UTF-16');
    }
  };
  for (let i = 0; i < header.keyValueCount; i++) {
    const entry = LocatorEntry.decode(item, LocatorHeader.size + i * LocatorEntry.size);
    const key = text(entry.keyOffset, entry.keyLength, `entries[${i}].key`);
    const value = text(entry.valueOffset, entry.valueLength, `entries[${i}].value`);
    if (values.has(key)) throw new VhdxFormatError(STRUCTURE, `entries[${i}].key`, `${key} appears twice`);
    values.set(key, value);
  }
  const linkage = values.get('parent_linkage');
  if (linkage === undefined) throw new VhdxFormatError(STRUCTURE, 'parent_linkage', 'is missing');
  const linkage2 = values.get('parent_linkage2');
  return {
    parentLinkage: parseLinkage(linkage, 'parent_linkage'),
    ...(linkage2 !== undefined && { parentLinkage2: parseLinkage(linkage2, 'parent_linkage2') }),
    ...(values.has('relative_path') && { relativePath: values.get('relative_path')! }),
    ...(values.has('absolute_win32_path') && { absoluteWin32Path: values.get('absolute_win32_path')! }),
    ...(values.has('volume_path') && { volumePath: values.get('volume_path')! }),
  };
}

function utf16(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(2 * i, text.charCodeAt(i), true);
  return bytes;
}

/** Encodes a parent locator item; linkages are written in braces, as Hyper-V does. */
export function encodeVhdxParentLocator(locator: VhdxParentLocator): Uint8Array {
  const pairs: [string, string][] = [];
  for (const [key, property] of Object.entries(KEYS)) {
    const value = locator[property];
    if (value !== undefined) pairs.push([key, property.startsWith('parentLinkage') ? `{${value}}` : value]);
  }
  const strings = pairs.map(([key, value]) => [utf16(key), utf16(value)] as const);
  const tableEnd = LocatorHeader.size + pairs.length * LocatorEntry.size;
  const size = strings.reduce((total, [key, value]) => total + key.length + value.length, tableEnd);
  const item = new Uint8Array(size);
  const view = new DataView(item.buffer);
  LocatorHeader.write(view, 0, { locatorType: VHDX_PARENT_LOCATOR_TYPE, reserved: 0, keyValueCount: pairs.length });
  let next = tableEnd;
  strings.forEach(([key, value], i) => {
    LocatorEntry.write(view, LocatorHeader.size + i * LocatorEntry.size, {
      keyOffset: next,
      valueOffset: next + key.length,
      keyLength: key.length,
      valueLength: value.length,
    });
    item.set(key, next);
    item.set(value, next + key.length);
    next += key.length + value.length;
  });
  return item;
}

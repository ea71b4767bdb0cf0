import { crc32c, guid, struct, u16, u32, u64, type Guid, type Infer } from '@tsvisor/wire';
import { VhdxFormatError } from './vhdx-format-error.js';
import { VhdxLayout } from './vhdx-layout.js';

/** The header, MS-VHDX 2.2.2: two copies at 64 KiB and 128 KiB, 4 KiB each. */
const HeaderLayout = struct('VhdxHeader', {
  signature: u32,
  checksum: u32,
  sequenceNumber: u64,
  fileWriteGuid: guid,
  dataWriteGuid: guid,
  logGuid: guid,
  logVersion: u16,
  version: u16,
  logLength: u32,
  logOffset: u64,
});

/** "head", little-endian. */
const SIGNATURE = 0x64616568;
const CHECKSUM_OFFSET = HeaderLayout.offsetOf('checksum');

/** The GUID that means "none" (no log to replay). */
export const NIL_GUID: Guid = '00000000-0000-0000-0000-000000000000';

/** A decoded header; the signature, checksum and version are implied. */
export interface VhdxHeader {
  /** Orders the two copies: the valid one with the higher number is current. */
  readonly sequenceNumber: bigint;
  /** Changed before a writer first modifies the file. */
  readonly fileWriteGuid: Guid;
  /** Changed before the first write a guest could see; a child's parent_linkage names it. */
  readonly dataWriteGuid: Guid;
  /** Non-nil while the log may hold entries to replay. */
  readonly logGuid: Guid;
  /** Byte offset and length of the log region, both 1 MiB multiples. */
  readonly logOffset: number;
  readonly logLength: number;
}

/**
 * Decodes and validates the header copy `copy` (1 or 2).
 * @throws {@link VhdxFormatError} on a wrong signature, checksum, version or log placement.
 */
export function decodeVhdxHeader(bytes: Uint8Array, copy: number, fileSize: number): VhdxHeader {
  const structure = `header ${copy}`;
  const raw = HeaderLayout.decode(bytes);
  if (raw.signature !== SIGNATURE) throw new VhdxFormatError(structure, 'signature', 'is not "head"');
  const zeroed = new Uint8Array(bytes.subarray(0, VhdxLayout.headerSize));
  new DataView(zeroed.buffer).setUint32(CHECKSUM_OFFSET, 0, true);
  if (crc32c(zeroed) !== raw.checksum) throw new VhdxFormatError(structure, 'checksum', 'does not match the CRC-32C of the header');
  if (raw.version !== 1) throw new VhdxFormatError(structure, 'version', `is ${raw.version}, not 1`);
  if (raw.logVersion !== 0) throw new VhdxFormatError(structure, 'logVersion', `is ${raw.logVersion}, not 0`);
  const { MiB } = VhdxLayout;
  if (raw.logLength === 0 || raw.logLength % MiB !== 0) {
    throw new VhdxFormatError(structure, 'logLength', `${raw.logLength} is not a positive multiple of 1 MiB`);
  }
  const logOffset = Number(raw.logOffset);
  if (logOffset < VhdxLayout.headerSectionSize || logOffset % MiB !== 0 || logOffset + raw.logLength > fileSize) {
    throw new VhdxFormatError(structure, 'logOffset', `${raw.logOffset} is not a 1 MiB-aligned log inside the file`);
  }
  return {
    sequenceNumber: raw.sequenceNumber,
    fileWriteGuid: raw.fileWriteGuid,
    dataWriteGuid: raw.dataWriteGuid,
    logGuid: raw.logGuid,
    logOffset,
    logLength: raw.logLength,
  };
}

/** Encodes `header` into its 4 KiB with its checksum. */
export function encodeVhdxHeader(header: VhdxHeader): Uint8Array {
  const bytes = new Uint8Array(VhdxLayout.headerSize);
  const view = new DataView(bytes.buffer);
  HeaderLayout.write(view, 0, {
    signature: SIGNATURE,
    checksum: 0,
    sequenceNumber: header.sequenceNumber,
    fileWriteGuid: header.fileWriteGuid,
    dataWriteGuid: header.dataWriteGuid,
    logGuid: header.logGuid,
    logVersion: 0,
    version: 1,
    logLength: header.logLength,
    logOffset: BigInt(header.logOffset),
  } satisfies Infer<typeof HeaderLayout>);
  view.setUint32(CHECKSUM_OFFSET, crc32c(bytes), true);
  return bytes;
}

/** The current header and its slot (0 or 1), chosen from the two copies' decode outcomes. */
export interface CurrentVhdxHeader {
  readonly header: VhdxHeader;
  readonly slot: 0 | 1;
}

/**
 * Picks the current header: the valid copy with the higher sequence number.
 * @throws the first copy's {@link VhdxFormatError} if neither copy is valid.
 */
export function currentVhdxHeader(copies: readonly [VhdxHeader | VhdxFormatError, VhdxHeader | VhdxFormatError]): CurrentVhdxHeader {
  const [first, second] = copies;
  if (first instanceof VhdxFormatError) {
    if (second instanceof VhdxFormatError) throw first;
    return { header: second, slot: 1 };
  }
  if (second instanceof VhdxFormatError || first.sequenceNumber >= second.sequenceNumber) return { header: first, slot: 0 };
  return { header: second, slot: 1 };
}

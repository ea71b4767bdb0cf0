import { bytes, crc32c, guid, struct, u32, u64, type Guid } from '@tsvisor/wire';
import { VhdxFormatError } from './vhdx-format-error.js';
import { VhdxLayout } from './vhdx-layout.js';

/** A log entry (MS-VHDX 2.3.1): this header and its descriptors fill whole 4 KiB sectors, then one data sector per data descriptor. */
const EntryHeader = struct('VhdxLogEntryHeader', {
  signature: u32,
  checksum: u32,
  entryLength: u32,
  tail: u32,
  sequenceNumber: u64,
  descriptorCount: u32,
  reserved: u32,
  logGuid: guid,
  flushedFileOffset: u64,
  lastFileOffset: u64,
});
const ZeroDescriptor = struct('VhdxLogZeroDescriptor', { signature: u32, reserved: u32, zeroLength: u64, fileOffset: u64, sequenceNumber: u64 });
const DataDescriptor = struct('VhdxLogDataDescriptor', {
  signature: u32,
  trailingBytes: bytes(4),
  leadingBytes: bytes(8),
  fileOffset: u64,
  sequenceNumber: u64,
});
const DESCRIPTOR_SIZE = 32;

/** Signatures, little-endian: "loge", "zero", "desc", "data". */
const ENTRY_SIGNATURE = 0x65676f6c;
const ZERO_SIGNATURE = 0x6f72657a;
const DATA_SIGNATURE = 0x63736564;
const SECTOR_SIGNATURE = 0x61746164;

const SECTOR = VhdxLayout.logSectorSize;
/** A data sector carries 4084 bytes of the target sector between its signature/sequence fields. */
const SECTOR_PAYLOAD = SECTOR - 12;

/** One write a log entry makes: 4 KiB of `data`, or `zeroLength` zero bytes, at `fileOffset`. */
export type VhdxLogWrite =
  | { readonly fileOffset: number; readonly data: Uint8Array }
  | { readonly fileOffset: number; readonly zeroLength: number };

/** A decoded, validated log entry. */
export interface VhdxLogEntry {
  /** Byte offset of the entry in the log. */
  readonly offset: number;
  readonly length: number;
  /** Log offset of the oldest entry not yet known to be applied. */
  readonly tail: number;
  readonly sequenceNumber: bigint;
  /** The file was at least this long, and flushed, when the entry was written. */
  readonly flushedFileOffset: number;
  /** The file's length when the entry was written: replay extends it to at least this. */
  readonly lastFileOffset: number;
  readonly writes: readonly VhdxLogWrite[];
}

/** What a writer puts in a new entry. */
export interface NewVhdxLogEntry {
  readonly sequenceNumber: bigint;
  readonly logGuid: Guid;
  readonly tail: number;
  readonly flushedFileOffset: number;
  readonly lastFileOffset: number;
  /** 4 KiB-aligned sectors to write. */
  readonly writes: readonly { readonly fileOffset: number; readonly data: Uint8Array }[];
}

function headerSectors(descriptorCount: number): number {
  return Math.ceil((EntryHeader.size + descriptorCount * DESCRIPTOR_SIZE) / SECTOR);
}

/** Bytes a new entry with `sectors` data sectors takes. */
export function vhdxLogEntryLength(sectors: number): number {
  return (headerSectors(sectors) + sectors) * SECTOR;
}

/** Encodes a log entry with a data descriptor and data sector per write, checksummed. */
export function encodeVhdxLogEntry(entry: NewVhdxLogEntry): Uint8Array {
  const count = entry.writes.length;
  const firstData = headerSectors(count) * SECTOR;
  const bytes = new Uint8Array(vhdxLogEntryLength(count));
  const view = new DataView(bytes.buffer);
  EntryHeader.write(view, 0, {
    signature: ENTRY_SIGNATURE,
    checksum: 0,
    entryLength: bytes.length,
    tail: entry.tail,
    sequenceNumber: entry.sequenceNumber,
    descriptorCount: count,
    reserved: 0,
    logGuid: entry.logGuid,
    flushedFileOffset: BigInt(entry.flushedFileOffset),
    lastFileOffset: BigInt(entry.lastFileOffset),
  });
  entry.writes.forEach(({ fileOffset, data }, i) => {
    DataDescriptor.write(view, EntryHeader.size + i * DESCRIPTOR_SIZE, {
      signature: DATA_SIGNATURE,
      trailingBytes: data.subarray(SECTOR - 4, SECTOR),
      leadingBytes: data.subarray(0, 8),
      fileOffset: BigInt(fileOffset),
      sequenceNumber: entry.sequenceNumber,
    });
    const sector = firstData + i * SECTOR;
    view.setUint32(sector, SECTOR_SIGNATURE, true);
    view.setUint32(sector + 4, Number(entry.sequenceNumber >> 32n), true);
    bytes.set(data.subarray(8, 8 + SECTOR_PAYLOAD), sector + 8);
    view.setUint32(sector + SECTOR - 4, Number(entry.sequenceNumber & 0xffff_ffffn), true);
  });
  view.setUint32(EntryHeader.offsetOf('checksum'), crc32c(bytes), true);
  return bytes;
}

/** `length` bytes of the circular `log` from `offset`, wrapping at its end. */
function circular(log: Uint8Array, offset: number, length: number): Uint8Array {
  if (offset + length <= log.length) return new Uint8Array(log.subarray(offset, offset + length));
  const bytes = new Uint8Array(length);
  bytes.set(log.subarray(offset));
  bytes.set(log.subarray(0, length - (log.length - offset)), log.length - offset);
  return bytes;
}

/**
 * Decodes and validates the entry at `offset` of the circular `log` (the whole log region's bytes):
 * signature, length, checksum, the log GUID, and every descriptor and data sector's signature and
 * sequence number.
 * @throws {@link VhdxFormatError} naming the field that is wrong.
 */
export function decodeVhdxLogEntry(log: Uint8Array, offset: number, logGuid: Guid): VhdxLogEntry {
  const structure = `log entry at ${offset}`;
  const first = EntryHeader.decode(log, offset);
  if (first.signature !== ENTRY_SIGNATURE) throw new VhdxFormatError(structure, 'signature', 'is not "loge"');
  const length = first.entryLength;
  if (length === 0 || length % SECTOR !== 0 || length > log.length) {
    throw new VhdxFormatError(structure, 'entryLength', `${length} is not a whole number of sectors within the log`);
  }
  if (first.tail % SECTOR !== 0 || first.tail >= log.length) throw new VhdxFormatError(structure, 'tail', `${first.tail} is not a sector of the log`);
  if (first.sequenceNumber === 0n) throw new VhdxFormatError(structure, 'sequenceNumber', 'is zero');
  if (first.reserved !== 0) throw new VhdxFormatError(structure, 'reserved', 'is not zero');
  if (first.logGuid !== logGuid) throw new VhdxFormatError(structure, 'logGuid', `${first.logGuid} is not the header's ${logGuid}`);
  const entry = circular(log, offset, length);
  const view = new DataView(entry.buffer);
  view.setUint32(EntryHeader.offsetOf('checksum'), 0, true);
  if (crc32c(entry) !== first.checksum) throw new VhdxFormatError(structure, 'checksum', 'does not match the CRC-32C of the entry');
  const sequence = first.sequenceNumber;
  const descriptorSectors = headerSectors(first.descriptorCount);
  if (first.descriptorCount > length / DESCRIPTOR_SIZE || descriptorSectors * SECTOR > length) {
    throw new VhdxFormatError(structure, 'descriptorCount', `${first.descriptorCount} descriptors do not fit in the entry`);
  }
  const writes: VhdxLogWrite[] = [];
  let dataSector = descriptorSectors;
  for (let i = 0; i < first.descriptorCount; i++) {
    const at = EntryHeader.size + i * DESCRIPTOR_SIZE;
    const field = `descriptors[${i}]`;
    const signature = view.getUint32(at, true);
    if (signature === ZERO_SIGNATURE) {
      const zero = ZeroDescriptor.decode(entry, at);
      if (zero.sequenceNumber !== sequence) throw new VhdxFormatError(structure, `${field}.sequenceNumber`, 'differs from the entry');
      if (zero.fileOffset % BigInt(SECTOR) !== 0n || zero.zeroLength % BigInt(SECTOR) !== 0n) {
        throw new VhdxFormatError(structure, `${field}.zeroLength`, 'the range is not whole 4 KiB sectors');
      }
      writes.push({ fileOffset: Number(zero.fileOffset), zeroLength: Number(zero.zeroLength) });
      continue;
    }
    if (signature !== DATA_SIGNATURE) throw new VhdxFormatError(structure, `${field}.signature`, 'is neither "desc" nor "zero"');
    const descriptor = DataDescriptor.decode(entry, at);
    if (descriptor.sequenceNumber !== sequence) throw new VhdxFormatError(structure, `${field}.sequenceNumber`, 'differs from the entry');
    if (descriptor.fileOffset % BigInt(SECTOR) !== 0n) throw new VhdxFormatError(structure, `${field}.fileOffset`, 'is not 4 KiB-aligned');
    const sector = dataSector * SECTOR;
    if (sector + SECTOR > length) throw new VhdxFormatError(structure, 'entryLength', 'leaves no room for every data sector');
    if (view.getUint32(sector, true) !== SECTOR_SIGNATURE) throw new VhdxFormatError(structure, `dataSectors[${dataSector}].signature`, 'is not "data"');
    const high = view.getUint32(sector + 4, true);
    const low = view.getUint32(sector + SECTOR - 4, true);
    if ((BigInt(high) << 32n) + BigInt(low) !== sequence) {
      throw new VhdxFormatError(structure, `dataSectors[${dataSector}].sequenceNumber`, 'differs from the entry');
    }
    const data = new Uint8Array(SECTOR);
    data.set(descriptor.leadingBytes, 0);
    data.set(entry.subarray(sector + 8, sector + 8 + SECTOR_PAYLOAD), 8);
    data.set(descriptor.trailingBytes, SECTOR - 4);
    writes.push({ fileOffset: Number(descriptor.fileOffset), data });
    dataSector++;
  }
  return {
    offset,
    length,
    tail: first.tail,
    sequenceNumber: sequence,
    flushedFileOffset: Number(first.flushedFileOffset),
    lastFileOffset: Number(first.lastFileOffset),
    writes,
  };
}

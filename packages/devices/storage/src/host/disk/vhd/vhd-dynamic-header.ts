import { bytes, reserved, struct, u32be, u64be } from '@tsvisor/wire';
import { checkVhdChecksum, vhdChecksum } from './vhd-checksum.js';
import { VhdFormatError } from './vhd-format-error.js';

/**
 * The dynamic disk header (PROTOCOLS.md §7): 1024 bytes, big-endian, where the footer's data
 * offset points. The parent fields concern differencing disks only, which tsvisor does not open:
 * they are skipped on read and zeroed on write.
 */
const VhdDynamicHeaderLayout = struct('VhdDynamicHeader', {
  cookie: bytes(8),
  dataOffset: u64be,
  tableOffset: u64be,
  headerVersion: u32be,
  maxTableEntries: u32be,
  blockSize: u32be,
  checksum: u32be,
  parentFields: reserved(16 + 4 + 4 + 512 + 8 * 24),
  padding: reserved(256),
});

/** Size of the dynamic header in bytes. */
export const VHD_DYNAMIC_HEADER_SIZE = VhdDynamicHeaderLayout.size;

/** Smallest block size accepted: 512 KiB. */
const VHD_MIN_BLOCK_SIZE = 512 * 1024;
/** Largest block size a u32 field holds as a power of two: 2 GiB. */
const VHD_MAX_BLOCK_SIZE = 2 ** 31;

/** What a reader needs from a dynamic header, validated. */
export interface VhdDynamicHeader {
  /** Offset of the block allocation table in the file. */
  readonly tableOffset: number;
  /** Entries in the block allocation table. */
  readonly maxTableEntries: number;
  /** Bytes of disk data per block: a power of two. */
  readonly blockSize: number;
}

const COOKIE = 'cxsparse';
const VERSION_1_0 = 0x0001_0000;
/** The header's own data offset is unused: all ones. */
const UNUSED_DATA_OFFSET = 0xffff_ffff_ffff_ffffn;
const CHECKSUM_OFFSET = VhdDynamicHeaderLayout.offsetOf('checksum');

/** Whether `blockSize` is a block size VHD allows here: a power of two from 512 KiB to 2 GiB. */
export function isVhdBlockSize(blockSize: number): boolean {
  return Number.isSafeInteger(blockSize) && blockSize >= VHD_MIN_BLOCK_SIZE && blockSize <= VHD_MAX_BLOCK_SIZE && (blockSize & (blockSize - 1)) === 0;
}

/**
 * Decodes and validates a dynamic header on its own; where its table lies in the file is checked
 * by the disk that opens it.
 * @param structure - The 1024 bytes of the header.
 * @param path - The image file, for errors.
 * @throws {@link VhdFormatError} naming the field: cookie, checksum, version, or a block size that
 *   is not a power of two from 512 KiB to 2 GiB.
 */
export function decodeVhdDynamicHeader(structure: Uint8Array, path: string): VhdDynamicHeader {
  if (structure.length !== VHD_DYNAMIC_HEADER_SIZE) {
    throw new VhdFormatError(path, 'dynamicHeader', `needs ${VHD_DYNAMIC_HEADER_SIZE} bytes, the file has ${structure.length}`);
  }
  const header = VhdDynamicHeaderLayout.decode(structure);
  const cookie = String.fromCharCode(...header.cookie);
  if (cookie !== COOKIE) throw new VhdFormatError(path, 'dynamicHeader.cookie', `is ${JSON.stringify(cookie)}, not "${COOKIE}"`);
  checkVhdChecksum(structure, CHECKSUM_OFFSET, header.checksum, path, 'dynamicHeader.checksum');
  if (header.headerVersion >>> 16 !== 1) {
    throw new VhdFormatError(path, 'dynamicHeader.headerVersion', `is 0x${header.headerVersion.toString(16)}, not version 1`);
  }
  if (!isVhdBlockSize(header.blockSize)) {
    throw new VhdFormatError(path, 'dynamicHeader.blockSize', `is ${header.blockSize}, not a power of two from 512 KiB to 2 GiB`);
  }
  if (header.tableOffset > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new VhdFormatError(path, 'dynamicHeader.tableOffset', `is ${header.tableOffset}, beyond any file`);
  }
  return { tableOffset: Number(header.tableOffset), maxTableEntries: header.maxTableEntries, blockSize: header.blockSize };
}

/** Encodes a new dynamic header, checksum included. */
export function encodeVhdDynamicHeader(header: VhdDynamicHeader): Uint8Array {
  const structure = VhdDynamicHeaderLayout.encode({
    cookie: Uint8Array.from(COOKIE, (c) => c.charCodeAt(0)),
    dataOffset: UNUSED_DATA_OFFSET,
    tableOffset: BigInt(header.tableOffset),
    headerVersion: VERSION_1_0,
    maxTableEntries: header.maxTableEntries,
    blockSize: header.blockSize,
    checksum: 0,
  });
  new DataView(structure.buffer, structure.byteOffset).setUint32(CHECKSUM_OFFSET, vhdChecksum(structure, CHECKSUM_OFFSET));
  return structure;
}

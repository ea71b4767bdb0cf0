import { bytes, reserved, struct, u8, u16be, u32be, u64be } from '@tsvisor/wire';
import { checkVhdChecksum, vhdChecksum } from './vhd-checksum.js';
import { VhdFormatError } from './vhd-format-error.js';
import { vhdGeometry } from './vhd-geometry.js';

/**
 * The VHD hard disk footer (PROTOCOLS.md §7): 512 bytes, big-endian, at the end of every VHD file
 * and, for dynamic disks, copied at offset 0.
 */
const VhdFooterLayout = struct('VhdFooter', {
  cookie: bytes(8),
  features: u32be,
  fileFormatVersion: u32be,
  dataOffset: u64be,
  timestamp: u32be,
  creatorApplication: bytes(4),
  creatorVersion: u32be,
  creatorHostOs: u32be,
  originalSize: u64be,
  currentSize: u64be,
  cylinders: u16be,
  heads: u8,
  sectorsPerTrack: u8,
  diskType: u32be,
  checksum: u32be,
  uniqueId: bytes(16),
  savedState: u8,
  padding: reserved(427),
});

/** Size of the footer in bytes. */
export const VHD_FOOTER_SIZE = VhdFooterLayout.size;

/** The kinds of VHD, as the footer's disk type field numbers them. */
export const VhdDiskType = { fixed: 2, dynamic: 3, differencing: 4 } as const;
/** A VHD disk type: 2 fixed, 3 dynamic, 4 differencing. */
export type VhdDiskType = (typeof VhdDiskType)[keyof typeof VhdDiskType];

/** What a VHD reader needs from a footer, validated. */
export interface VhdFooter {
  readonly diskType: VhdDiskType;
  /** Offset of the dynamic header (dynamic and differencing disks); `undefined` for a fixed disk. */
  readonly dynamicHeaderOffset: number | undefined;
  /** Virtual size in bytes, a multiple of 512. */
  readonly currentSize: number;
}

/** A footer as found in a file. */
export interface LocatedVhdFooter {
  readonly footer: VhdFooter;
  /** Its 512 bytes, which a dynamic disk writes again at the new end of the file when it grows. */
  readonly bytes: Uint8Array;
  /** Whether it was read at the end of the file, rather than from a dynamic disk's copy at offset 0. */
  readonly trailing: boolean;
}

/** What a new footer says; everything else is fixed by tsvisor. */
export interface VhdFooterInit {
  readonly diskType: typeof VhdDiskType.fixed | typeof VhdDiskType.dynamic;
  readonly dynamicHeaderOffset?: number;
  readonly sizeBytes: number;
  /** 16 random bytes. */
  readonly uniqueId: Uint8Array;
  readonly created: Date;
}

const COOKIE = 'conectix';
/** Bit 1 of the features field is reserved and must be set. */
const FEATURES_RESERVED = 0x2;
const VERSION_1_0 = 0x0001_0000;
/** The data offset of a fixed disk, which has no dynamic header. */
const NO_DATA_OFFSET = 0xffff_ffff_ffff_ffffn;
/** Seconds from the Unix epoch to the VHD epoch, 2000-01-01T00:00:00Z. */
const VHD_EPOCH_SECONDS = 946_684_800;
/**
 * Creator application `win `, Hyper-V's. Readers take the current size as the disk's size only
 * from creators they know to write exact sizes (qemu: `win `, `qem2`, `d2v `…); from any other
 * they take the CHS geometry's, which rounds the size down.
 */
const CREATOR_APPLICATION = Uint8Array.of(0x77, 0x69, 0x6e, 0x20);
/** Creator host OS `Wi2k`, as Hyper-V and qemu write. */
const CREATOR_HOST_OS = 0x5769_326b;
const CHECKSUM_OFFSET = VhdFooterLayout.offsetOf('checksum');

/** Whether `sector` starts with the footer's cookie, `conectix`. */
export function hasVhdFooterCookie(sector: Uint8Array): boolean {
  return sector.length >= COOKIE.length && cookieText(sector.subarray(0, COOKIE.length)) === COOKIE;
}

/**
 * Decodes and validates a footer.
 * @param sector - The 512 bytes of the footer.
 * @param path - The image file, for errors.
 * @throws {@link VhdFormatError} naming the field: cookie, checksum, version, disk type, data
 *   offset, or a current size that is not whole sectors.
 */
export function decodeVhdFooter(sector: Uint8Array, path: string): VhdFooter {
  if (sector.length !== VHD_FOOTER_SIZE) {
    throw new VhdFormatError(path, 'footer', `needs ${VHD_FOOTER_SIZE} bytes, the file has ${sector.length}`);
  }
  const footer = VhdFooterLayout.decode(sector);
  const cookie = cookieText(footer.cookie);
  if (cookie !== COOKIE) throw new VhdFormatError(path, 'footer.cookie', `is ${JSON.stringify(cookie)}, not "${COOKIE}"`);
  checkVhdChecksum(sector, CHECKSUM_OFFSET, footer.checksum, path, 'footer.checksum');
  if (footer.fileFormatVersion >>> 16 !== 1) {
    throw new VhdFormatError(path, 'footer.fileFormatVersion', `is 0x${footer.fileFormatVersion.toString(16)}, not version 1`);
  }
  const diskType = footer.diskType;
  if (diskType !== VhdDiskType.fixed && diskType !== VhdDiskType.dynamic && diskType !== VhdDiskType.differencing) {
    throw new VhdFormatError(path, 'footer.diskType', `is ${diskType}, not 2 (fixed), 3 (dynamic) or 4 (differencing)`);
  }
  if (footer.currentSize > BigInt(Number.MAX_SAFE_INTEGER) || footer.currentSize % 512n !== 0n) {
    throw new VhdFormatError(path, 'footer.currentSize', `is ${footer.currentSize}, not a whole number of 512-byte sectors`);
  }
  let dynamicHeaderOffset: number | undefined;
  if (diskType === VhdDiskType.fixed) {
    if (footer.dataOffset !== NO_DATA_OFFSET) {
      throw new VhdFormatError(path, 'footer.dataOffset', `is ${footer.dataOffset}, but a fixed disk has none (all ones)`);
    }
  } else {
    if (footer.dataOffset < BigInt(VHD_FOOTER_SIZE) || footer.dataOffset > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new VhdFormatError(path, 'footer.dataOffset', `is ${footer.dataOffset}, not an offset past the footer copy`);
    }
    dynamicHeaderOffset = Number(footer.dataOffset);
  }
  return { diskType, dynamicHeaderOffset, currentSize: Number(footer.currentSize) };
}

/** Encodes a new footer, geometry and checksum included. */
export function encodeVhdFooter(init: VhdFooterInit): Uint8Array {
  const geometry = vhdGeometry(init.sizeBytes);
  const sector = VhdFooterLayout.encode({
    cookie: Uint8Array.from(COOKIE, (c) => c.charCodeAt(0)),
    features: FEATURES_RESERVED,
    fileFormatVersion: VERSION_1_0,
    dataOffset: init.dynamicHeaderOffset === undefined ? NO_DATA_OFFSET : BigInt(init.dynamicHeaderOffset),
    timestamp: Math.max(0, Math.floor(init.created.getTime() / 1000) - VHD_EPOCH_SECONDS),
    creatorApplication: CREATOR_APPLICATION,
    creatorVersion: VERSION_1_0,
    creatorHostOs: CREATOR_HOST_OS,
    originalSize: BigInt(init.sizeBytes),
    currentSize: BigInt(init.sizeBytes),
    ...geometry,
    diskType: init.diskType,
    checksum: 0,
    uniqueId: init.uniqueId,
    savedState: 0,
  });
  new DataView(sector.buffer, sector.byteOffset).setUint32(CHECKSUM_OFFSET, vhdChecksum(sector, CHECKSUM_OFFSET));
  return sector;
}

function cookieText(cookie: Uint8Array): string {
  return String.fromCharCode(...cookie);
}

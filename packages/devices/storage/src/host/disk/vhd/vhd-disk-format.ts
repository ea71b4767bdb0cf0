import { randomBytes } from 'node:crypto';
import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { RawDisk } from '../raw/raw-disk.js';
import type { CreateDiskOptions, DiskFormat, OpenDiskOptions, VirtualDisk } from '../virtual-disk.js';
import { DynamicVhdDisk } from './dynamic-vhd-disk.js';
import { FixedVhdDisk } from './fixed-vhd-disk.js';
import { readRegion, writeFully } from '../positioned-io.js';
import { VHD_UNALLOCATED } from './vhd-block-allocation-table.js';
import { VHD_DYNAMIC_HEADER_SIZE, encodeVhdDynamicHeader, isVhdBlockSize } from './vhd-dynamic-header.js';
import { VHD_FOOTER_SIZE, VhdDiskType, decodeVhdFooter, encodeVhdFooter, hasVhdFooterCookie, type LocatedVhdFooter } from './vhd-footer.js';
import { VhdFormatError } from './vhd-format-error.js';
import { VhdUnsupportedError } from './vhd-unsupported-error.js';

/** Block size of new dynamic images: 2 MiB, the format's default. */
const DEFAULT_BLOCK_SIZE = 2 * 1024 * 1024;
/** The largest VHD: 2040 GiB, the limit Hyper-V and qemu share. */
const MAX_SIZE = 2040 * 1024 * 1024 * 1024;

/**
 * VHD images (PROTOCOLS.md §7), fixed and dynamic; differencing VHDs are refused with a
 * {@link VhdUnsupportedError}. Every field read from a file is validated: a malformed or hostile
 * file fails to open with a {@link VhdFormatError} naming the field, and never makes a disk read
 * or write outside the file's own structure.
 *
 * A disk's size is the footer's current size (as Hyper-V reads it), not its CHS geometry; images
 * created here set the current size to exactly the size asked for.
 */
export class VhdDiskFormat implements DiskFormat {
  readonly name = 'vhd';

  /** A VHD has the `conectix` cookie in its last 512 bytes, or, dynamic, in its first 512. */
  probe(head: Uint8Array, tail: Uint8Array): boolean {
    return (tail.length === VHD_FOOTER_SIZE && hasVhdFooterCookie(tail)) || (head.length >= VHD_FOOTER_SIZE && hasVhdFooterCookie(head));
  }

  /**
   * @throws {@link VhdFormatError} naming the field if the file is not a well-formed VHD.
   * @throws {@link VhdUnsupportedError} for a differencing VHD.
   */
  async open(path: string, options: OpenDiskOptions = {}): Promise<VirtualDisk> {
    const readOnly = options.readOnly ?? false;
    const file = await open(path, readOnly ? 'r' : 'r+');
    try {
      const { size } = await file.stat();
      const found = await readFooter(path, file, size);
      const { footer } = found;
      if (footer.diskType === VhdDiskType.differencing) throw new VhdUnsupportedError(path, 'differencing VHDs');
      if (footer.diskType === VhdDiskType.dynamic) return await DynamicVhdDisk.open(path, file, found, size, readOnly);
      const dataSize = size - VHD_FOOTER_SIZE;
      if (footer.currentSize > dataSize) {
        throw new VhdFormatError(path, 'footer.currentSize', `is ${footer.currentSize}, but the file holds ${dataSize} bytes of data`);
      }
      return new FixedVhdDisk(new RawDisk(path, file, footer.currentSize, 512, readOnly));
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /**
   * Creates a fixed image (the data, sparse, then the footer) or a dynamic one (footer copy,
   * dynamic header, a BAT with every block unallocated, footer).
   * @throws {@link RangeError} if the size is not a positive multiple of 512 up to 2040 GiB, the
   *   sector size is not 512, or the block size is not a power of two from 512 KiB to 2 GiB.
   * @throws {@link VhdUnsupportedError} if a parent is given: differencing VHDs are not supported.
   */
  async create(path: string, options: CreateDiskOptions): Promise<void> {
    if (options.parent !== undefined) throw new VhdUnsupportedError(path, 'differencing VHDs');
    const { sizeBytes, sectorSize = 512 } = options;
    if (sectorSize !== 512) throw new RangeError(`VHD sectors are 512 bytes, not ${sectorSize}`);
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % 512 !== 0 || sizeBytes > MAX_SIZE) {
      throw new RangeError(`sizeBytes must be a positive multiple of 512 up to 2040 GiB, got ${sizeBytes}`);
    }
    const identity = { sizeBytes, uniqueId: randomBytes(16), created: new Date() };
    if (options.fixed) {
      const file = await open(path, 'wx');
      try {
        await writeFully(file, encodeVhdFooter({ ...identity, diskType: VhdDiskType.fixed }), sizeBytes);
      } finally {
        await file.close();
      }
      return;
    }
    const blockSize = options.blockSizeBytes ?? DEFAULT_BLOCK_SIZE;
    if (!isVhdBlockSize(blockSize)) throw new RangeError(`blockSizeBytes must be a power of two from 512 KiB to 2 GiB, got ${blockSize}`);
    const footer = encodeVhdFooter({ ...identity, diskType: VhdDiskType.dynamic, dynamicHeaderOffset: VHD_FOOTER_SIZE });
    const maxTableEntries = Math.ceil(sizeBytes / blockSize);
    const tableOffset = VHD_FOOTER_SIZE + VHD_DYNAMIC_HEADER_SIZE;
    const tableEnd = tableOffset + Math.ceil((maxTableEntries * 4) / 512) * 512;
    const image = new Uint8Array(tableEnd + VHD_FOOTER_SIZE);
    image.set(footer, 0);
    image.set(encodeVhdDynamicHeader({ tableOffset, maxTableEntries, blockSize }), VHD_FOOTER_SIZE);
    new Uint32Array(image.buffer, tableOffset, (tableEnd - tableOffset) / 4).fill(VHD_UNALLOCATED);
    image.set(footer, tableEnd);
    await writeFile(path, image, { flag: 'wx' });
  }
}

/**
 * The footer of an open file: the one at its end, or, when that one is unreadable (a crash while
 * another writer was appending a block), the copy a dynamic disk keeps at offset 0.
 */
async function readFooter(path: string, file: FileHandle, size: number): Promise<LocatedVhdFooter> {
  if (size < VHD_FOOTER_SIZE) throw new VhdFormatError(path, 'footer', `needs ${VHD_FOOTER_SIZE} bytes, the file has ${size}`);
  const bytes = await readRegion(file, size - VHD_FOOTER_SIZE, VHD_FOOTER_SIZE);
  try {
    return { footer: decodeVhdFooter(bytes, path), bytes, trailing: true };
  } catch (trailingError) {
    if (!(trailingError instanceof VhdFormatError)) throw trailingError;
    const copy = await readRegion(file, 0, VHD_FOOTER_SIZE);
    try {
      const footer = decodeVhdFooter(copy, path);
      if (footer.diskType !== VhdDiskType.fixed) return { footer, bytes: copy, trailing: false };
    } catch (copyError) {
      if (!(copyError instanceof VhdFormatError)) throw copyError;
    }
    throw trailingError;
  }
}

import { randomUUID } from 'node:crypto';
import { truncate, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { CreateDiskOptions, DiskFormat, OpenDiskOptions, VirtualDisk } from '../virtual-disk.js';
import { PayloadBlockState, VhdxBat } from './vhdx-bat.js';
import { VhdxDisk } from './vhdx-disk.js';
import { encodeVhdxFileIdentifier, hasVhdxSignature } from './vhdx-file-identifier.js';
import { encodeVhdxHeader, NIL_GUID } from './vhdx-header.js';
import { alignUp, VhdxLayout } from './vhdx-layout.js';
import { encodeVhdxMetadata, type VhdxMetadata } from './vhdx-metadata.js';
import type { VhdxParentLocator } from './vhdx-parent-locator.js';
import { encodeVhdxRegionTable } from './vhdx-region-table.js';

const { MiB } = VhdxLayout;
/** Hyper-V's default block size for dynamic and differencing images. */
const DEFAULT_BLOCK_SIZE = 32 * MiB;
/** Placement in new images: 1 MiB log, then a 1 MiB metadata region, then the BAT. */
const LOG = { fileOffset: 1 * MiB, length: 1 * MiB };
const METADATA = { fileOffset: 2 * MiB, length: 1 * MiB };
const BAT_OFFSET = 3 * MiB;

/**
 * VHDX images (MS-VHDX; PROTOCOLS.md §7), recognized by the "vhdxfile" identifier at offset 0.
 *
 * `create` makes fixed images (every block allocated, fully present, space left sparse by the file
 * system), dynamic ones (blocks allocated on first write) and differencing ones over a VHDX
 * parent, with a 1 MiB log, 32 MiB blocks unless `blockSizeBytes` says otherwise, and the logical
 * sector size as the physical one. A child's locator records the parent's path relative to the
 * child (`.\base.vhdx`) and as an absolute path of this host (`absolute_win32_path`, which on a
 * POSIX host holds a POSIX path).
 */
export class VhdxDiskFormat implements DiskFormat {
  readonly name = 'vhdx';

  probe(head: Uint8Array): boolean {
    return hasVhdxSignature(head);
  }

  open(path: string, options: OpenDiskOptions = {}): Promise<VirtualDisk> {
    return VhdxDisk.open(path, options.readOnly ?? false);
  }

  async create(path: string, options: CreateDiskOptions): Promise<void> {
    const parent = options.parent === undefined ? undefined : await VhdxDisk.open(options.parent, true);
    try {
      const sectorSize = options.sectorSize ?? parent?.sectorSize ?? 512;
      const blockSize = options.blockSizeBytes ?? DEFAULT_BLOCK_SIZE;
      const { sizeBytes } = options;
      if (sectorSize !== 512 && sectorSize !== 4096) throw new RangeError(`sectorSize must be 512 or 4096, got ${String(sectorSize)}`);
      if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % sectorSize !== 0 || sizeBytes > VhdxLayout.maxVirtualDiskSize) {
        throw new RangeError(`sizeBytes must be a positive multiple of ${sectorSize} up to 64 TiB, got ${sizeBytes}`);
      }
      if (!Number.isSafeInteger(blockSize) || blockSize < MiB || blockSize > 256 * MiB || (blockSize & (blockSize - 1)) !== 0) {
        throw new RangeError(`blockSizeBytes must be a power of two from 1 MiB to 256 MiB, got ${blockSize}`);
      }
      if (parent !== undefined && options.fixed) throw new RangeError('a differencing image cannot be fixed');
      if (parent !== undefined && (parent.sizeBytes !== sizeBytes || parent.sectorSize !== sectorSize)) {
        throw new RangeError(`a differencing image has its parent's size (${parent.sizeBytes}) and sector size (${parent.sectorSize})`);
      }
      const locator = parent && parentLocator(path, options.parent!, parent.dataWriteGuid);
      const metadata: VhdxMetadata = {
        blockSize,
        leaveBlocksAllocated: options.fixed ?? false,
        hasParent: locator !== undefined,
        virtualDiskSize: sizeBytes,
        logicalSectorSize: sectorSize,
        physicalSectorSize: sectorSize,
        page83Data: randomUUID(),
        ...(locator && { parentLocator: locator }),
      };
      await writeImage(path, metadata, options.fixed ?? false);
    } finally {
      await parent?.close();
    }
  }
}

/** The locator of `parentPath` as seen from a child at `childPath`. */
function parentLocator(childPath: string, parentPath: string, dataWriteGuid: string): VhdxParentLocator {
  const absolute = resolve(parentPath);
  const fromChild = relative(dirname(resolve(childPath)), absolute).split(sep).join('\\');
  return {
    parentLinkage: dataWriteGuid,
    relativePath: fromChild.startsWith('..') ? fromChild : `.\\${fromChild}`,
    absoluteWin32Path: absolute,
  };
}

/** Lays out and writes a new image: header section, log, metadata region, BAT, and for fixed images every block. */
async function writeImage(path: string, metadata: VhdxMetadata, fixed: boolean): Promise<void> {
  const bat = VhdxBat.empty(metadata);
  const batRegion = { fileOffset: BAT_OFFSET, length: alignUp(VhdxBat.tableSize(metadata), MiB) };
  const payloadStart = batRegion.fileOffset + batRegion.length;
  if (fixed) {
    for (let block = 0; block < bat.dataBlockCount; block++) {
      bat.set(bat.payloadIndex(block), PayloadBlockState.fullyPresent, payloadStart + block * metadata.blockSize);
    }
  }
  const image = new Uint8Array(payloadStart);
  image.set(encodeVhdxFileIdentifier(), 0);
  const header = {
    fileWriteGuid: randomUUID(),
    dataWriteGuid: randomUUID(),
    logGuid: NIL_GUID,
    logOffset: LOG.fileOffset,
    logLength: LOG.length,
  };
  VhdxLayout.headerOffsets.forEach((offset, i) => image.set(encodeVhdxHeader({ ...header, sequenceNumber: BigInt(i) }), offset));
  const regionTable = encodeVhdxRegionTable({ bat: batRegion, metadata: METADATA });
  for (const offset of VhdxLayout.regionTableOffsets) image.set(regionTable, offset);
  image.set(encodeVhdxMetadata(metadata, METADATA.length), METADATA.fileOffset);
  image.set(bat.bytes(), batRegion.fileOffset);
  await writeFile(path, image, { flag: 'wx' });
  if (fixed) await truncate(path, payloadStart + bat.dataBlockCount * metadata.blockSize);
}

import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { VirtualDisk } from '../disk/virtual-disk.js';
import { readRegion } from '../disk/positioned-io.js';
import { VHD_DYNAMIC_HEADER_SIZE, decodeVhdDynamicHeader } from '../disk/vhd/vhd-dynamic-header.js';
import { VHD_FOOTER_SIZE, VhdDiskType, decodeVhdFooter, type VhdFooter } from '../disk/vhd/vhd-footer.js';
import { VhdFormatError } from '../disk/vhd/vhd-format-error.js';
import { VhdxFormatError } from '../disk/vhdx/vhdx-format-error.js';
import { VhdxImageFile } from '../disk/vhdx/vhdx-image-file.js';
import { VhdxLayout } from '../disk/vhdx/vhdx-layout.js';
import { decodeVhdxMetadata } from '../disk/vhdx/vhdx-metadata.js';
import type { VhdxParentLocator } from '../disk/vhdx/vhdx-parent-locator.js';
import { decodeVhdxRegionTable, type VhdxRegions } from '../disk/vhdx/vhdx-region-table.js';

/** What an image's format records of its layout, beyond what a {@link VirtualDisk} says. */
export interface ImageLayout {
  /** Whether every block is allocated up front. */
  readonly fixed: boolean;
  /** The allocation unit of a dynamic or differencing image. */
  readonly blockSize?: number;
  /** A differencing image's parent, as its locator names it. */
  readonly parent?: string;
}

/**
 * The layout of the image at `path`, already opened (and so validated) as `disk`, read with its
 * format's own decoders: the VHD footer and dynamic header, the VHDX region table and metadata.
 * The formats do not expose it on their disks; an image of a format added by a plugin counts as
 * fixed when its file holds its whole virtual size.
 */
export async function readImageLayout(path: string, disk: VirtualDisk, fileSize: number): Promise<ImageLayout> {
  switch (disk.format) {
    case 'raw':
      return { fixed: true };
    case 'vhd':
      return readVhdLayout(path, fileSize);
    case 'vhdx':
      return readVhdxLayout(path);
    default:
      return { fixed: fileSize >= disk.sizeBytes };
  }
}

async function readVhdLayout(path: string, fileSize: number): Promise<ImageLayout> {
  const file = await open(path, 'r');
  try {
    let footer: VhdFooter;
    try {
      footer = decodeVhdFooter(await readRegion(file, fileSize - VHD_FOOTER_SIZE, VHD_FOOTER_SIZE), path);
    } catch (error) {
      // As when opening: a dynamic image whose trailing footer is torn still has the copy at 0.
      if (!(error instanceof VhdFormatError)) throw error;
      footer = decodeVhdFooter(await readRegion(file, 0, VHD_FOOTER_SIZE), path);
    }
    if (footer.diskType === VhdDiskType.fixed || footer.dynamicHeaderOffset === undefined) return { fixed: true };
    const header = decodeVhdDynamicHeader(await readRegion(file, footer.dynamicHeaderOffset, VHD_DYNAMIC_HEADER_SIZE), path);
    return { fixed: false, blockSize: header.blockSize };
  } finally {
    await file.close();
  }
}

async function readVhdxLayout(path: string): Promise<ImageLayout> {
  const file = await VhdxImageFile.open(path, true);
  try {
    const { metadata: where } = await readVhdxRegions(file);
    const metadata = await decodeVhdxMetadata(where.length, (offset, length, field) => file.read(where.fileOffset + offset, length, 'metadata', field));
    const parent = metadata.parentLocator && parentPath(path, metadata.parentLocator);
    return { fixed: metadata.leaveBlocksAllocated, blockSize: metadata.blockSize, ...(parent === undefined ? {} : { parent }) };
  } finally {
    await file.close();
  }
}

/** The first valid region table copy, as opening reads it. */
async function readVhdxRegions(file: VhdxImageFile): Promise<VhdxRegions> {
  let firstError: VhdxFormatError | undefined;
  for (const [i, offset] of VhdxLayout.regionTableOffsets.entries()) {
    try {
      return decodeVhdxRegionTable(await file.read(offset, VhdxLayout.regionTableSize, `region table ${i + 1}`, 'signature'), i + 1, file.size);
    } catch (error) {
      if (!(error instanceof VhdxFormatError)) throw error;
      firstError ??= error;
    }
  }
  throw firstError!;
}

/** The parent's path on this host: the relative path from the child's directory, else the absolute one. */
function parentPath(path: string, locator: VhdxParentLocator): string | undefined {
  const recorded = locator.relativePath ?? locator.absoluteWin32Path;
  return recorded === undefined ? undefined : resolve(dirname(path), recorded.replaceAll('\\', '/'));
}

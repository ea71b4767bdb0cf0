import { open, truncate, writeFile } from 'node:fs/promises';
import type { CreateDiskOptions, DiskFormat, OpenDiskOptions, VirtualDisk } from '../virtual-disk.js';
import { RawDisk } from './raw-disk.js';

/** Raw images: any file; its size, rounded down to whole sectors, is the disk's. */
export class RawDiskFormat implements DiskFormat {
  readonly name = 'raw';

  probe(): boolean {
    return true;
  }

  async open(path: string, options: OpenDiskOptions = {}): Promise<VirtualDisk> {
    const readOnly = options.readOnly ?? false;
    const file = await open(path, readOnly ? 'r' : 'r+');
    try {
      const { size } = await file.stat();
      const sectorSize = 512;
      return new RawDisk(path, file, size - (size % sectorSize), sectorSize, readOnly);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async create(path: string, options: CreateDiskOptions): Promise<void> {
    const sectorSize = options.sectorSize ?? 512;
    if (!Number.isSafeInteger(options.sizeBytes) || options.sizeBytes <= 0 || options.sizeBytes % sectorSize !== 0) {
      throw new RangeError(`sizeBytes must be a positive multiple of ${sectorSize}, got ${options.sizeBytes}`);
    }
    if (options.parent !== undefined) throw new RangeError('raw images have no differencing form');
    await writeFile(path, new Uint8Array(0), { flag: 'wx' });
    // Sparse: the file system allocates on first write (a "fixed" raw image is the same file).
    await truncate(path, options.sizeBytes);
  }
}

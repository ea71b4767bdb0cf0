import type { FileHandle } from 'node:fs/promises';
import { readFully, writeFully, writeZeros } from '../positioned-io.js';
import { checkDiskRange } from '../disk-range.js';
import { DiskReadOnlyError } from '../disk-read-only-error.js';
import type { VirtualDisk } from '../virtual-disk.js';

/**
 * A raw image: the file is the disk, byte for byte. Node has no way to punch holes in a file, so
 * UNMAP writes zeros: the range reads as zeros afterwards, as the guest expects, without giving
 * space back.
 */
export class RawDisk implements VirtualDisk {
  readonly format = 'raw';
  readonly physicalSectorSize: number;

  constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    readonly sizeBytes: number,
    readonly sectorSize: number,
    readonly readOnly: boolean,
  ) {
    this.physicalSectorSize = sectorSize;
  }

  async read(offset: number, target: Uint8Array): Promise<void> {
    checkDiskRange(this, offset, target.length);
    // Past the end of a shorter file, the disk reads zeros.
    await readFully(this.file, target, offset);
  }

  async write(offset: number, source: Uint8Array): Promise<void> {
    if (this.readOnly) throw new DiskReadOnlyError(this.path);
    checkDiskRange(this, offset, source.length);
    await writeFully(this.file, source, offset);
  }

  flush(): Promise<void> {
    return this.file.sync();
  }

  async unmap(offset: number, length: number): Promise<void> {
    if (this.readOnly) throw new DiskReadOnlyError(this.path);
    checkDiskRange(this, offset, length);
    await writeZeros(this.file, offset, offset + length);
  }

  close(): Promise<void> {
    return this.readOnly ? this.file.close() : this.file.sync().then(() => this.file.close());
  }
}

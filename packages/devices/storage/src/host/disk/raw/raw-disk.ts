import type { FileHandle } from 'node:fs/promises';
import { checkDiskRange } from '../disk-range.js';
import { DiskReadOnlyError } from '../disk-read-only-error.js';
import type { VirtualDisk } from '../virtual-disk.js';

/** Zeros written by {@link RawDisk.unmap}, a chunk at a time. */
const ZEROS = new Uint8Array(1024 * 1024);

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
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await this.file.read(target, done, target.length - done, offset + done);
      if (bytesRead === 0) {
        // Past the end of a shorter file: the disk reads zeros there.
        target.fill(0, done);
        return;
      }
      done += bytesRead;
    }
  }

  async write(offset: number, source: Uint8Array): Promise<void> {
    if (this.readOnly) throw new DiskReadOnlyError(this.path);
    checkDiskRange(this, offset, source.length);
    let done = 0;
    while (done < source.length) {
      const { bytesWritten } = await this.file.write(source, done, source.length - done, offset + done);
      done += bytesWritten;
    }
  }

  flush(): Promise<void> {
    return this.file.sync();
  }

  async unmap(offset: number, length: number): Promise<void> {
    if (this.readOnly) throw new DiskReadOnlyError(this.path);
    checkDiskRange(this, offset, length);
    for (let done = 0; done < length; ) {
      const chunk = Math.min(ZEROS.length, length - done);
      const { bytesWritten } = await this.file.write(ZEROS, 0, chunk, offset + done);
      done += bytesWritten;
    }
  }

  close(): Promise<void> {
    return this.readOnly ? this.file.close() : this.file.sync().then(() => this.file.close());
  }
}

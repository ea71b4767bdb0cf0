import type { FileHandle } from 'node:fs/promises';
import { readFully, writeFully, writeZeros } from '../positioned-io.js';
import { checkDiskRange, diskRangeProblem } from '../disk-range.js';
import { DiskReadOnlyError } from '../disk-read-only-error.js';
import { DiskIoThread } from '../io/disk-io-thread.js';
import type { VirtualDisk } from '../virtual-disk.js';

/**
 * A raw image: the file is the disk, byte for byte. Node has no way to punch holes in a file, so
 * UNMAP writes zeros: the range reads as zeros afterwards, as the guest expects, without giving
 * space back.
 */
export class RawDisk implements VirtualDisk {
  readonly format = 'raw';
  readonly physicalSectorSize: number;
  /** Moves the data of guest-memory buffers (the VSP's requests) on a thread of its own. */
  private readonly io: DiskIoThread;

  constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    readonly sizeBytes: number,
    readonly sectorSize: number,
    readonly readOnly: boolean,
  ) {
    this.physicalSectorSize = sectorSize;
    this.io = new DiskIoThread(path, file.fd, sizeBytes);
  }

  read(offset: number, target: Uint8Array): Promise<void> {
    const problem = diskRangeProblem(this, offset, target.length);
    if (problem !== undefined) return Promise.reject(problem);
    // Guest memory moves on the I/O thread; past the end of a shorter file, either path reads zeros.
    return this.io.accepts(target) ? this.io.read(target, offset) : readFully(this.file, target, offset);
  }

  readNow(offset: number, target: Uint8Array): boolean {
    checkDiskRange(this, offset, target.length);
    return this.io.readNow(target, offset);
  }

  writeNow(offset: number, source: Uint8Array): boolean {
    if (this.readOnly) throw new DiskReadOnlyError(this.path);
    checkDiskRange(this, offset, source.length);
    return this.io.writeNow(source, offset);
  }

  write(offset: number, source: Uint8Array): Promise<void> {
    if (this.readOnly) return Promise.reject(new DiskReadOnlyError(this.path));
    const problem = diskRangeProblem(this, offset, source.length);
    if (problem !== undefined) return Promise.reject(problem);
    return this.io.accepts(source) ? this.io.write(source, offset) : writeFully(this.file, source, offset);
  }

  flush(): Promise<void> {
    return this.file.sync();
  }

  async unmap(offset: number, length: number): Promise<void> {
    if (this.readOnly) throw new DiskReadOnlyError(this.path);
    checkDiskRange(this, offset, length);
    await writeZeros(this.file, offset, offset + length);
  }

  /** Ends the I/O thread (after the jobs it has), then flushes and closes the file. */
  async close(): Promise<void> {
    await this.io.close();
    if (!this.readOnly) await this.file.sync();
    await this.file.close();
  }
}

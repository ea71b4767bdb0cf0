import { open, type FileHandle } from 'node:fs/promises';
import { DiskIoThread } from '../io/disk-io-thread.js';
import { VhdxFormatError } from './vhdx-format-error.js';

/** Zeros for {@link VhdxImageFile.zero}, a chunk at a time. */
const ZEROS = new Uint8Array(1024 * 1024);

/**
 * The file under a VHDX image: positional reads that never go past its end (a structure that
 * would is a {@link VhdxFormatError}), whole writes, and its size as it grows. Payload data that
 * lives in guest memory (the VSP's requests) moves on the file's {@link DiskIoThread}; metadata
 * goes the ordinary way.
 */
export class VhdxImageFile {
  private readonly io: DiskIoThread;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private currentSize: number,
  ) {
    this.io = new DiskIoThread(path, handle.fd, currentSize);
  }

  /** Opens `path` for reading, and for writing unless `readOnly`. */
  static async open(path: string, readOnly: boolean): Promise<VhdxImageFile> {
    const handle = await open(path, readOnly ? 'r' : 'r+');
    try {
      const { size } = await handle.stat();
      return new VhdxImageFile(path, handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The file's size in bytes, including what this process has written or truncated. */
  get size(): number {
    return this.currentSize;
  }

  /**
   * Reads `length` bytes of `structure` at `offset`.
   * @throws {@link VhdxFormatError} naming `structure` and `field` if they do not lie inside the file.
   */
  async read(offset: number, length: number, structure: string, field: string): Promise<Uint8Array> {
    const target = new Uint8Array(length);
    await this.readInto(target, offset, structure, field);
    return target;
  }

  /**
   * Fills `target` from `offset`; see {@link VhdxImageFile.read}. With `index`, the error names
   * element `index` of `field` (built only then: payload reads pass the block number).
   */
  readInto(target: Uint8Array, offset: number, structure: string, field: string, index?: number): Promise<void> {
    if (!this.holds(target, offset)) return Promise.reject(this.beyondEnd(target, offset, structure, field, index));
    return this.io.accepts(target) ? this.io.read(target, offset) : this.readFromHandle(target, offset, structure, index === undefined ? field : `${field}[${index}]`);
  }

  /**
   * {@link VhdxImageFile.readInto} done now when its I/O thread runs the job inline: returns
   * false (having done nothing) when it cannot; see `DiskIoThread.readNow`.
   * @throws What `readInto` rejects with.
   */
  readIntoNow(target: Uint8Array, offset: number, structure: string, field: string, index?: number): boolean {
    if (!this.holds(target, offset)) throw this.beyondEnd(target, offset, structure, field, index);
    return this.io.readNow(target, offset);
  }

  /** Whether the file holds `target.length` bytes at `offset`. */
  private holds(target: Uint8Array, offset: number): boolean {
    return Number.isSafeInteger(offset) && offset >= 0 && offset + target.length <= this.currentSize;
  }

  private beyondEnd(target: Uint8Array, offset: number, structure: string, field: string, index: number | undefined): VhdxFormatError {
    const name = index === undefined ? field : `${field}[${index}]`;
    return new VhdxFormatError(structure, name, `${target.length} bytes at ${offset} lie beyond the end of the ${this.currentSize}-byte file`);
  }

  private async readFromHandle(target: Uint8Array, offset: number, structure: string, field: string): Promise<void> {
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await this.handle.read(target, done, target.length - done, offset + done);
      if (bytesRead === 0) throw new VhdxFormatError(structure, field, `the file ended at ${offset + done} while reading`);
      done += bytesRead;
    }
  }

  /** Writes all of `source` at `offset`, growing the file if it ends there. */
  async write(source: Uint8Array, offset: number): Promise<void> {
    if (offset + source.length <= this.currentSize && this.io.accepts(source)) {
      await this.io.write(source, offset);
      return;
    }
    let done = 0;
    while (done < source.length) {
      const { bytesWritten } = await this.handle.write(source, done, source.length - done, offset + done);
      done += bytesWritten;
    }
    this.currentSize = Math.max(this.currentSize, offset + source.length);
    this.io.fileLimit = this.currentSize;
  }

  /** Writes `length` zero bytes at `offset`. */
  async zero(offset: number, length: number): Promise<void> {
    for (let done = 0; done < length; ) {
      const chunk = Math.min(ZEROS.length, length - done);
      await this.write(ZEROS.subarray(0, chunk), offset + done);
      done += chunk;
    }
  }

  /** Sets the file's size; the bytes it gains read as zeros. */
  async resize(size: number): Promise<void> {
    await this.handle.truncate(size);
    this.currentSize = size;
    this.io.fileLimit = size;
  }

  /** Makes everything written so far durable. */
  sync(): Promise<void> {
    return this.handle.sync();
  }

  /** Ends the I/O thread (after the jobs it has), then closes the file. */
  async close(): Promise<void> {
    await this.io.close();
    await this.handle.close();
  }
}

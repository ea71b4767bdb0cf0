import { open, type FileHandle } from 'node:fs/promises';
import { VhdxFormatError } from './vhdx-format-error.js';

/** Zeros for {@link VhdxImageFile.zero}, a chunk at a time. */
const ZEROS = new Uint8Array(1024 * 1024);

/**
 * The file under a VHDX image: positional reads that never go past its end (a structure that
 * would is a {@link VhdxFormatError}), whole writes, and its size as it grows.
 */
export class VhdxImageFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private currentSize: number,
  ) {}

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

  /** Fills `target` from `offset`; see {@link VhdxImageFile.read}. */
  async readInto(target: Uint8Array, offset: number, structure: string, field: string): Promise<void> {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + target.length > this.currentSize) {
      throw new VhdxFormatError(structure, field, `${target.length} bytes at ${offset} lie beyond the end of the ${this.currentSize}-byte file`);
    }
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await this.handle.read(target, done, target.length - done, offset + done);
      if (bytesRead === 0) throw new VhdxFormatError(structure, field, `the file ended at ${offset + done} while reading`);
      done += bytesRead;
    }
  }

  /** Writes all of `source` at `offset`, growing the file if it ends there. */
  async write(source: Uint8Array, offset: number): Promise<void> {
    let done = 0;
    while (done < source.length) {
      const { bytesWritten } = await this.handle.write(source, done, source.length - done, offset + done);
      done += bytesWritten;
    }
    this.currentSize = Math.max(this.currentSize, offset + source.length);
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
  }

  /** Makes everything written so far durable. */
  sync(): Promise<void> {
    return this.handle.sync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

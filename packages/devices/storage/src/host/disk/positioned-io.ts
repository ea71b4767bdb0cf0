import type { FileHandle } from 'node:fs/promises';

/**
 * Reads `target.length` bytes at `position`, however many reads that takes. Bytes past the end of
 * the file read as zeros, so a file that shrank under the reader cannot make it loop.
 */
export async function readFully(file: FileHandle, target: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < target.length; ) {
    const { bytesRead } = await file.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) {
      target.fill(0, done);
      return;
    }
    done += bytesRead;
  }
}

/** Reads `length` bytes at `position` into a new array; see {@link readFully}. */
export async function readRegion(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const region = new Uint8Array(length);
  await readFully(file, region, position);
  return region;
}

/** Writes all of `source` at `position`, however many writes that takes. */
export async function writeFully(file: FileHandle, source: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < source.length; ) {
    const { bytesWritten } = await file.write(source, done, source.length - done, position + done);
    done += bytesWritten;
  }
}

/** Zeros written by {@link writeZeros}, a chunk at a time. */
const ZEROS = new Uint8Array(1024 * 1024);

/** Writes zeros over the bytes `[start, end)` of the file. */
export async function writeZeros(file: FileHandle, start: number, end: number): Promise<void> {
  for (let position = start; position < end; position += ZEROS.length) {
    await writeFully(file, ZEROS.subarray(0, Math.min(ZEROS.length, end - position)), position);
  }
}

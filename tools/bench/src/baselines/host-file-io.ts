import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * The baselines of the storage figures: synchronous file I/O in this thread, the fastest a single
 * host thread gets at the same (page-cached) file.
 */

/** Reads per second of `blockBytes` at random block-aligned offsets of `path`, over `windowMs`. */
export function randomReadRate(path: string, sizeBytes: number, blockBytes: number, windowMs: number): number {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(blockBytes);
    const blocks = Math.floor(sizeBytes / blockBytes);
    let seed = 0x2545f491;
    let reads = 0;
    const start = performance.now();
    const end = start + windowMs;
    do {
      for (let i = 0; i < 64; i++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        readSync(fd, buffer, 0, blockBytes, ((seed >>> 0) % blocks) * blockBytes);
      }
      reads += 64;
    } while (performance.now() < end);
    return reads / ((performance.now() - start) / 1000);
  } finally {
    closeSync(fd);
  }
}

/** Bytes per second of consecutive `chunkBytes` reads or writes of `path`, wrapping at `sizeBytes`, over `windowMs`. */
export function sequentialRate(path: string, direction: 'read' | 'write', sizeBytes: number, chunkBytes: number, windowMs: number): number {
  const fd = openSync(path, direction === 'read' ? 'r' : 'r+');
  try {
    const buffer = new Uint8Array(chunkBytes).fill(0x5a);
    const chunks = Math.floor(sizeBytes / chunkBytes);
    let chunk = 0;
    let bytes = 0;
    const start = performance.now();
    const end = start + windowMs;
    do {
      const position = chunk * chunkBytes;
      bytes += direction === 'read' ? readSync(fd, buffer, 0, chunkBytes, position) : writeSync(fd, buffer, 0, chunkBytes, position);
      chunk = (chunk + 1) % chunks;
    } while (performance.now() < end);
    return bytes / ((performance.now() - start) / 1000);
  } finally {
    closeSync(fd);
  }
}

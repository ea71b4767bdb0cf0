import type { VirtualDisk } from '../disk/virtual-disk.js';

/** The unit copied at a time: a whole number of sectors of either size, small enough to cancel promptly. */
const CHUNK_SIZE = 1024 * 1024;

/**
 * Copies every byte of `source` into `destination` (a new image of the same size, reading as
 * zeros), a chunk at a time, leaving out the chunks that are all zeros so that a dynamic or sparse
 * destination stays as small as the data. Reports the fraction done after each chunk; rejects
 * with the signal's reason once `signal` aborts, leaving `destination` half-written for the caller
 * to discard.
 */
export async function copyDisk(source: VirtualDisk, destination: VirtualDisk, progress: (fraction: number) => void, signal: AbortSignal): Promise<void> {
  const size = source.sizeBytes;
  const chunk = new Uint8Array(Math.min(CHUNK_SIZE, size));
  for (let offset = 0; offset < size; offset += chunk.length) {
    signal.throwIfAborted();
    const part = chunk.subarray(0, Math.min(chunk.length, size - offset));
    await source.read(offset, part);
    if (!isAllZeros(part)) await destination.write(offset, part);
    progress((offset + part.length) / size);
  }
  signal.throwIfAborted();
}

/** Whether every byte of `bytes` is zero; `bytes` is whole sectors at the start of its buffer, so 8-byte words cover it. */
function isAllZeros(bytes: Uint8Array): boolean {
  const words = new BigUint64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  for (const word of words) if (word !== 0n) return false;
  return true;
}

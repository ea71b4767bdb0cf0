import type { DiskFormatRegistry } from '@tsvisor/storage/host';
import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const CHUNK = 1024 * 1024;

/** The disk images of the storage suite, all holding the same bytes and all in the page cache. */
export interface BenchDisks {
  readonly sizeBytes: number;
  /** A raw image: what the random and sequential reads use. */
  readonly raw: string;
  /** A dynamic VHDX image, every block written (so allocated) with the raw image's bytes. */
  readonly vhdx: string;
  /** A raw image the sequential writes go to (the baseline's, then the guest's). */
  readonly scratch: string;
}

/** The bytes of chunk `index`: one random MiB, stamped with its index so that no two chunks are alike. */
function chunkBytes(random: Uint8Array, index: number): Uint8Array {
  new DataView(random.buffer, random.byteOffset).setUint32(0, index, true);
  return random;
}

function writeRaw(path: string, sizeBytes: number, random: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < sizeBytes; at += CHUNK) writeSync(fd, chunkBytes(random, at / CHUNK), 0, CHUNK, at);
  } finally {
    closeSync(fd);
  }
}

/** Reads the whole file once, so that the measurements find it in the page cache. */
function warm(path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(CHUNK);
    while (readSync(fd, buffer, 0, CHUNK, null) > 0) {
      // only the page cache matters
    }
  } finally {
    closeSync(fd);
  }
}

/** Creates the images of {@link BenchDisks} of `sizeBytes` (a multiple of 1 MiB) in `dir`. */
export async function createBenchDisks(formats: DiskFormatRegistry, dir: string, sizeBytes: number): Promise<BenchDisks> {
  const random = randomFillSync(new Uint8Array(CHUNK));
  const disks: BenchDisks = { sizeBytes, raw: join(dir, 'disk.raw'), vhdx: join(dir, 'disk.vhdx'), scratch: join(dir, 'scratch.raw') };
  writeRaw(disks.raw, sizeBytes, random);
  writeRaw(disks.scratch, sizeBytes, random);
  const vhdx = formats.byName('vhdx');
  await vhdx.create(disks.vhdx, { sizeBytes });
  const image = await vhdx.open(disks.vhdx);
  try {
    for (let at = 0; at < sizeBytes; at += CHUNK) await image.write(at, chunkBytes(random, at / CHUNK));
  } finally {
    await image.close();
  }
  for (const path of [disks.raw, disks.vhdx, disks.scratch]) warm(path);
  return disks;
}

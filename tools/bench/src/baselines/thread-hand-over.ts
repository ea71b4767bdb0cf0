import { closeSync, openSync, readSync } from 'node:fs';
import { serveSpinningGuest } from './spinning-guest.js';

/**
 * The least that any guest thread and host thread pay to hand block reads over, a third baseline
 * of the storage figures at queue depth 1: the guest thread (a worker) writes a block number and
 * a sequence number to one cache line and spins on another; the host thread spins on the first,
 * reads the block with `readSync` into shared memory and writes the sequence number back. Each
 * round trip moves two cache lines between the cores, against the bare rings' index lines plus the
 * request and completion packets (ring-round-trip.ts). Between the two lies what the VMBus layout
 * costs: more cache lines crossing, one after the other.
 */

/** Words of the shared memory, each group on a cache line of its own. */
const Word = { sequence: 0, block: 1, answer: 16, stop: 32 } as const;
const WORDS = 48;

const GUEST_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { shared, blocks } = workerData;
const words = new Int32Array(shared, 0, ${WORDS});
let sequence = 0, seed = 0x9e3779b9;
parentPort.postMessage('ready');
run: while (true) {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  words[${Word.block}] = seed % blocks;
  sequence = (sequence + 1) | 0;
  Atomics.store(words, ${Word.sequence}, sequence);
  while (Atomics.load(words, ${Word.answer}) !== sequence) {
    if (Atomics.load(words, ${Word.stop}) !== 0) break run;
  }
}
`;

/** The host's side: answers for `windowMs`, spinning between requests; returns the reads per second. */
function serve(words: Int32Array, fd: number, target: Uint8Array, windowMs: number): number {
  const blockBytes = target.length;
  let answered = 0;
  let reads = 0;
  const start = performance.now();
  const end = start + windowMs;
  for (let spins = 1; ; spins++) {
    const sequence = Atomics.load(words, Word.sequence);
    if (sequence === answered) {
      if ((spins & 1023) === 0 && performance.now() >= end) break;
      continue;
    }
    readSync(fd, target, 0, blockBytes, words[Word.block]! * blockBytes);
    reads++;
    answered = sequence;
    Atomics.store(words, Word.answer, sequence);
  }
  return reads / ((performance.now() - start) / 1000);
}

/**
 * Reads per second of `blockBytes` blocks at random in `path` (of `sizeBytes`), one at a time,
 * handed from a guest thread to this thread and back over `windowMs`. Blocks this thread meanwhile.
 */
export async function handOverRate(path: string, sizeBytes: number, blockBytes: number, windowMs: number): Promise<number> {
  const shared = new SharedArrayBuffer(WORDS * 4 + blockBytes);
  const words = new Int32Array(shared, 0, WORDS);
  const target = new Uint8Array(shared, WORDS * 4, blockBytes);
  // Opened first: a file that does not open must not leave the guest spinning.
  const fd = openSync(path, 'r');
  try {
    return await serveSpinningGuest(GUEST_SOURCE, { shared, blocks: Math.floor(sizeBytes / blockBytes) }, words, Word.stop, () => serve(words, fd, target, windowMs));
  } finally {
    closeSync(fd);
  }
}

import { VSTOR_PACKET_SIZE, storageScsiClass } from '@tsvisor/storage';
import { GpaDirectHeader, GpaRange, PFN_SIZE, RING_CONTROL_PAGE_SIZE, RingControlOffset, RingWriter } from '@tsvisor/vmbus';
import { closeSync, openSync, readSync } from 'node:fs';
import { serveSpinningGuest } from './spinning-guest.js';

/**
 * The floor of the storage path's shape, a second baseline of the storage figures: what a guest
 * thread and a host thread get from random block reads when they talk through two rings laid out
 * as VMBus lays them out (a control page with the write and read indices, then the data area),
 * with packets of storvsc's sizes, and do nothing else: no validation, no channel, no SCSI, no
 * promise. The host thread spins on the request ring, reads each request's block with `readSync`
 * into shared memory and answers in the completion ring; the guest thread (a worker) keeps the
 * queue depth of requests in flight and spins for the answers. Each side publishes every packet
 * at once (a polling channel's way, and the faster one here at any depth), and each reader its
 * read index every eighth of the ring, as the real one does. The gap between this floor and a
 * figure is what tsvisor's layers cost; the gap between the floor and `readSync` is what the
 * layout and the handing over between two threads cost.
 */

/** Bytes of a request: descriptor, GPA-direct header with one range of one page, the vstor packet, footer. */
const REQUEST_BYTES = RingWriter.packetSize(GpaDirectHeader.size + GpaRange.size + PFN_SIZE, VSTOR_PACKET_SIZE);
/** Bytes of a completion: descriptor, the vstor packet, footer. */
const COMPLETION_BYTES = RingWriter.packetSize(0, VSTOR_PACKET_SIZE);
/** Each ring as the storage class sizes it: its control page, then the data area. */
const RING_BYTES = (storageScsiClass.channel?.ringPages ?? 16) * 4096;
const DATA_BYTES = RING_BYTES - RING_CONTROL_PAGE_SIZE;
// The queue depth bounds what a ring holds unread, far below its size: writers need no room check.

/** The word of a request that names its block. */
const BLOCK_WORD = 10;
/** Words after the two rings: the guest's stop flag. */
const STOP = 0;

const GUEST_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { shared, ringBytes, dataBytes, requestWords, completionWords, blockWord, queueDepth, blocks, stopWord } = workerData;
const requestControl = new Int32Array(shared, 0, 4);
const requestData = new Int32Array(shared, ${RING_CONTROL_PAGE_SIZE}, dataBytes >> 2);
const completionControl = new Int32Array(shared, ringBytes, 4);
const completionData = new Int32Array(shared, ringBytes + ${RING_CONTROL_PAGE_SIZE}, dataBytes >> 2);
const flags = new Int32Array(shared, 2 * ringBytes, 4);
const words = dataBytes >> 2;
let write = 0, read = 0, published = 0, inFlight = 0, seed = 0x9e3779b9, sink = 0;
parentPort.postMessage('ready');
while (Atomics.load(flags, stopWord) === 0) {
  while (inFlight < queueDepth) {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
    let at = write >> 2;
    for (let i = 0; i < requestWords; i++) {
      requestData[at] = i === blockWord ? seed % blocks : i;
      if (++at === words) at = 0;
    }
    write = at << 2;
    inFlight++;
    Atomics.store(requestControl, ${RingControlOffset.WRITE_INDEX / 4}, write);
  }
  const end = Atomics.load(completionControl, ${RingControlOffset.WRITE_INDEX / 4});
  while (read !== end) {
    let at = read >> 2;
    for (let i = 0; i < completionWords; i++) {
      sink += completionData[at];
      if (++at === words) at = 0;
    }
    read = at << 2;
    inFlight--;
  }
  if ((read - published + dataBytes) % dataBytes >= dataBytes >> 3) {
    Atomics.store(completionControl, ${RingControlOffset.READ_INDEX / 4}, read);
    published = read;
  }
}
parentPort.postMessage(sink);
`;

/** The shared memory of one measurement: both rings, the guest's flags, the blocks read. */
interface BareRings {
  readonly shared: SharedArrayBuffer;
  readonly requestControl: Int32Array;
  readonly requestData: Int32Array;
  readonly completionControl: Int32Array;
  readonly completionData: Int32Array;
  readonly flags: Int32Array;
  /** Where the host reads the blocks of the requests in flight, in turn. */
  readonly targets: readonly Uint8Array[];
}

function bareRings(queueDepth: number, blockBytes: number): BareRings {
  const shared = new SharedArrayBuffer(2 * RING_BYTES + 4096 + queueDepth * blockBytes);
  return {
    shared,
    requestControl: new Int32Array(shared, 0, 4),
    requestData: new Int32Array(shared, RING_CONTROL_PAGE_SIZE, DATA_BYTES >> 2),
    completionControl: new Int32Array(shared, RING_BYTES, 4),
    completionData: new Int32Array(shared, RING_BYTES + RING_CONTROL_PAGE_SIZE, DATA_BYTES >> 2),
    flags: new Int32Array(shared, 2 * RING_BYTES, 4),
    targets: Array.from({ length: queueDepth }, (_, i) => new Uint8Array(shared, 2 * RING_BYTES + 4096 + i * blockBytes, blockBytes)),
  };
}

/** The host's side: answers requests for `windowMs`, spinning between them; returns the reads per second. */
function serve(rings: BareRings, fd: number, blockBytes: number, windowMs: number): number {
  const { requestControl, requestData, completionControl, completionData, targets } = rings;
  const words = DATA_BYTES >> 2;
  const requestWords = REQUEST_BYTES >> 2;
  const completionWords = COMPLETION_BYTES >> 2;
  let read = 0;
  let published = 0;
  let write = 0;
  let reads = 0;
  let sum = 0;
  const start = performance.now();
  const end = start + windowMs;
  for (let spins = 1; ; spins++) {
    const available = Atomics.load(requestControl, RingControlOffset.WRITE_INDEX / 4);
    if (available === read) {
      if ((spins & 1023) === 0 && performance.now() >= end) break;
      continue;
    }
    while (read !== available) {
      let at = read >> 2;
      let block = 0;
      for (let i = 0; i < requestWords; i++) {
        const word = requestData[at]!;
        if (i === BLOCK_WORD) block = word;
        sum = (sum + word) | 0;
        if (++at === words) at = 0;
      }
      read = at << 2;
      readSync(fd, targets[reads % targets.length]!, 0, blockBytes, block * blockBytes);
      reads++;
      at = write >> 2;
      for (let i = 0; i < completionWords; i++) {
        completionData[at] = sum + i;
        if (++at === words) at = 0;
      }
      write = at << 2;
      Atomics.store(completionControl, RingControlOffset.WRITE_INDEX / 4, write);
    }
    if ((read - published + DATA_BYTES) % DATA_BYTES >= DATA_BYTES >> 3) {
      Atomics.store(requestControl, RingControlOffset.READ_INDEX / 4, read);
      published = read;
    }
  }
  return reads / ((performance.now() - start) / 1000);
}

/**
 * Reads per second of `blockBytes` blocks at random in `path` (of `sizeBytes`) through the bare
 * rings, `queueDepth` in flight, over `windowMs`. Blocks this thread meanwhile (it is the host).
 */
export async function ringRoundTripRate(path: string, sizeBytes: number, blockBytes: number, queueDepth: number, windowMs: number): Promise<number> {
  const rings = bareRings(queueDepth, blockBytes);
  // Opened first: a file that does not open must not leave the guest spinning.
  const fd = openSync(path, 'r');
  const workerData = {
    shared: rings.shared,
    ringBytes: RING_BYTES,
    dataBytes: DATA_BYTES,
    requestWords: REQUEST_BYTES >> 2,
    completionWords: COMPLETION_BYTES >> 2,
    blockWord: BLOCK_WORD,
    queueDepth,
    blocks: Math.floor(sizeBytes / blockBytes),
    stopWord: STOP,
  };
  try {
    return await serveSpinningGuest(GUEST_SOURCE, workerData, rings.flags, STOP, () => serve(rings, fd, blockBytes, windowMs));
  } finally {
    closeSync(fd);
  }
}

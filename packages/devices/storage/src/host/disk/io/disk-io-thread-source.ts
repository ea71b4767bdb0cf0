import { DiskIoLayout, diskIoOffsets } from './disk-io-layout.js';

const { control, jobs, op } = DiskIoLayout;
const o = diskIoOffsets;

/**
 * The body of a disk's I/O thread, as script text for `new Worker(source, { eval: true })`: a VM's
 * worker process bundles its host modules into one script and may read no other file, so the
 * thread's code travels as a string. It takes job numbers from the submission ring, checks each
 * job's range against guest memory and the file limit, moves the bytes with positioned
 * `readSync`/`writeSync` straight between the file and guest memory, and puts the job on the
 * completion ring with the bytes moved or a negative errno, posting one message to the host when it
 * waits for completions. On an empty ring it sleeps on `Atomics.wait`; it exits once asked to stop
 * and every submitted job is done.
 * Nothing per job allocates; no error leaves the loop.
 */
export const DISK_IO_THREAD_SOURCE = `'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const { readSync, writeSync } = require('node:fs');
const { shared, memory, fd } = workerData;
const ctl = new Int32Array(shared, 0, ${control.words});
const limit = new Float64Array(shared, ${o.floats}, 8);
const submitted = new Int32Array(shared, ${o.submitRing}, ${jobs});
const completed = new Int32Array(shared, ${o.completeRing}, ${jobs});
const positions = new Float64Array(shared, ${o.positions}, ${jobs});
const guestOffsets = new Float64Array(shared, ${o.guestOffsets}, ${jobs});
const operations = new Int32Array(shared, ${o.operations}, ${jobs});
const lengths = new Int32Array(shared, ${o.lengths}, ${jobs});
const results = new Int32Array(shared, ${o.results}, ${jobs});
const guest = new Uint8Array(memory);
const MASK = ${jobs - 1};

function errorCode(error) {
  const errno = error !== null && typeof error === 'object' ? error.errno : undefined;
  return typeof errno === 'number' && errno !== 0 ? -Math.abs(errno) : -1;
}

function perform(job) {
  const length = lengths[job];
  const position = positions[job];
  const at = guestOffsets[job];
  if (!(length >= 0 && at >= 0 && at + length <= guest.length && position >= 0 && position + length <= limit[${DiskIoLayout.fileLimit}])) {
    return ${DiskIoLayout.outOfBounds};
  }
  try {
    let done = 0;
    if (operations[job] === ${op.read}) {
      while (done < length) {
        const n = readSync(fd, guest, at + done, length - done, position + done);
        if (n === 0) {
          guest.fill(0, at + done, at + length);
          break;
        }
        done += n;
      }
      return length;
    }
    if (operations[job] === ${op.write}) {
      while (done < length) done += writeSync(fd, guest, at + done, length - done, position + done);
      return length;
    }
    return -22;
  } catch (error) {
    return errorCode(error);
  }
}

for (;;) {
  let head = ctl[${control.submitHead}];
  const tail = Atomics.load(ctl, ${control.submitTail});
  if (head === tail) {
    // Sleep at once rather than spin: the host thread that takes the completions may need this core.
    if (Atomics.load(ctl, ${control.stop}) === 1) break;
    Atomics.store(ctl, ${control.threadSleeping}, 1);
    if (Atomics.load(ctl, ${control.submitTail}) === head && Atomics.load(ctl, ${control.stop}) === 0) Atomics.wait(ctl, ${control.submitTail}, head);
    Atomics.store(ctl, ${control.threadSleeping}, 0);
    continue;
  }
  while (head !== tail) {
    const job = submitted[head & MASK];
    head = (head + 1) | 0;
    results[job] = perform(job);
    Atomics.store(ctl, ${control.submitHead}, head);
    const out = ctl[${control.completeTail}];
    completed[out & MASK] = job;
    Atomics.store(ctl, ${control.completeTail}, (out + 1) | 0);
    if (Atomics.load(ctl, ${control.hostWaiting}) === 1 && Atomics.compareExchange(ctl, ${control.hostWaiting}, 1, 0) === 1) parentPort.postMessage(0);
  }
}
`;

/**
 * Entry of a virtual processor thread. Trusted hypervisor code: it owns the VP's view of the
 * partition control block and runs guest code only inside the realm `startGuestRealm` makes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HostLoadProbe } from '../host-load/host-load-probe.js';
import { RunQueue } from '../host-load/run-queue.js';
import { PartitionControlBlock } from '../synic/partition-control-block.js';
import { startGuestRealm } from './guest-realm.js';
import { HypercallHandler } from './hypercall-handler.js';
import type { VpReport, VpWorkerData } from './vp-protocol.js';

const data = workerData as VpWorkerData;
const port = parentPort;
if (!port) throw new Error('the VP runtime runs only as a worker thread');
const report = (message: VpReport): void => port.postMessage(message);
// The listener keeps the thread alive while guest code waits for interrupts.
port.on('message', () => undefined);

const block = new PartitionControlBlock(data.controlBlock, data.layout.vpCount);
const hypercalls = new HypercallHandler(data.guestMemory, block, data.layout.vpIndex);
let exited = false;
const exits = {
  halt(code: number): void {
    if (exited) return;
    exited = true;
    report({ kind: 'halted', code });
  },
  fault(reason: string): void {
    if (exited) return;
    exited = true;
    report({ kind: 'fault', reason });
  },
};

try {
  const runQueue = new RunQueue(data.runQueueFd);
  startGuestRealm(data.guestMemory, data.layout, data.image, hypercalls, exits, new HostLoadProbe(() => runQueue.runnable()));
  report({ kind: 'booted' });
} catch (error) {
  // Evaluation of the image threw: the error may be a guest-realm object; only its text leaves.
  exits.fault(`guest image failed to start: ${describeError(error)}`);
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unprintable error';
  }
}

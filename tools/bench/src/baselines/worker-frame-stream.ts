import { once } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';

/** Frames the sender may have posted that the receiver has not read yet (the NIC's send sections bound its frames in flight the same way). */
export const FRAME_STREAM_CREDITS = 1024;
/** The receiver wakes a waiting sender every this many frames (a power of two). */
const NOTIFY_EVERY = 128;

/** Words of the shared counter block. */
const RECEIVED = 0;
const STOPPED = 1;

const SENDER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, counters, frameBytes, credits } = workerData;
const words = new Int32Array(counters);
const frame = new Uint8Array(frameBytes).fill(0x5a);
let sent = 0;
while (Atomics.load(words, ${STOPPED}) === 0) {
  const received = Atomics.load(words, ${RECEIVED});
  if (sent - received >= credits) {
    Atomics.wait(words, ${RECEIVED}, received, 10);
    continue;
  }
  port.postMessage(frame);
  sent++;
}
port.close();
`;

const RECEIVER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { port, counters } = workerData;
const words = new Int32Array(counters);
port.on('message', () => {
  if (((Atomics.add(words, ${RECEIVED}, 1) + 1) & ${NOTIFY_EVERY - 1}) === 0) Atomics.notify(words, ${RECEIVED});
});
parentPort.postMessage('listening');
`;

/** A running stream of frames between two worker threads. */
export interface WorkerFrameStream {
  /** Frames the receiving worker has got so far. */
  received(): number;
  /** Stops both workers. */
  stop(): Promise<void>;
}

/**
 * The baseline of the network suite: starts two worker threads passing `frameBytes`-byte frames
 * directly from one to the other with postMessage. The sender posts a Uint8Array (copied by the
 * structured clone, as a guest copies a frame into its send buffer) while fewer than
 * {@link FRAME_STREAM_CREDITS} are unread; the receiver counts them in shared memory, which the
 * caller samples with `received()`.
 */
export async function startWorkerFrameStream(frameBytes: number): Promise<WorkerFrameStream> {
  const counters = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const words = new Int32Array(counters);
  const { port1, port2 } = new MessageChannel();
  const receiver = new Worker(RECEIVER_SOURCE, { eval: true, workerData: { port: port2, counters }, transferList: [port2] });
  await once(receiver, 'message');
  const sender = new Worker(SENDER_SOURCE, { eval: true, workerData: { port: port1, counters, frameBytes, credits: FRAME_STREAM_CREDITS }, transferList: [port1] });
  return {
    received: () => Atomics.load(words, RECEIVED),
    async stop() {
      Atomics.store(words, STOPPED, 1);
      Atomics.notify(words, RECEIVED);
      await Promise.all([once(sender, 'exit'), receiver.terminate()]);
    },
  };
}

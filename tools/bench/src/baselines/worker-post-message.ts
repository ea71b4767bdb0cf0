import { Worker } from 'node:worker_threads';

/**
 * The baselines every hypercall figure is compared with: plain worker_threads postMessage
 * between the main thread and a worker, measured in the same run.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.kind === 'echo') { parentPort.postMessage(m); return; }
  if (m.kind === 'flood') {
    const payload = new Uint8Array(m.size);
    for (let i = 0; i < m.count; i++) parentPort.postMessage(payload);
    return;
  }
  if (m.kind === 'pingpong') parentPort.postMessage(m);
});
`;

function startWorker(): Worker {
  return new Worker(WORKER_SOURCE, { eval: true });
}

/** Mean round trip, in microseconds, of `rounds` main → worker → main postMessages. */
export async function postMessageRoundTripMicros(rounds: number): Promise<number> {
  const worker = startWorker();
  try {
    let left = rounds;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      worker.on('message', () => {
        if (--left === 0) resolve();
        else worker.postMessage({ kind: 'pingpong' });
      });
      worker.postMessage({ kind: 'pingpong' });
    });
    return ((performance.now() - start) * 1000) / rounds;
  } finally {
    await worker.terminate();
  }
}

/** Messages per second a worker gets to the main thread with postMessage of `size`-byte payloads. */
export async function postMessageThroughput(size: number, count: number): Promise<number> {
  const worker = startWorker();
  try {
    let received = 0;
    let start = 0;
    await new Promise<void>((resolve) => {
      worker.on('message', () => {
        if (received++ === 0) start = performance.now();
        if (received === count) resolve();
      });
      worker.postMessage({ kind: 'flood', size, count });
    });
    return (count - 1) / ((performance.now() - start) / 1000);
  } finally {
    await worker.terminate();
  }
}

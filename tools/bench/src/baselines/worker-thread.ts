import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** The baselines of the VMMS's in-process mode: bare worker threads, measured in the same run. */
const IDLE_SOURCE = `require('node:worker_threads').parentPort.postMessage('up'); setInterval(() => {}, 1000);`;

/** Milliseconds from creating an empty worker thread to its exit. */
export async function bareWorkerStartMs(): Promise<number> {
  const start = performance.now();
  await once(new Worker('', { eval: true }), 'exit');
  return performance.now() - start;
}

/** Milliseconds from creating `count` empty worker threads at once to the exit of the last. */
export async function bareWorkerStartsMs(count: number): Promise<number> {
  const start = performance.now();
  await Promise.all(Array.from({ length: count }, () => once(new Worker('', { eval: true }), 'exit')));
  return performance.now() - start;
}

/** How much this process's resident set grows, per thread in bytes, with `count` idle worker threads. */
export async function idleWorkerRssBytes(count: number): Promise<number> {
  const before = process.memoryUsage().rss;
  const workers = Array.from({ length: count }, () => new Worker(IDLE_SOURCE, { eval: true }));
  try {
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    return (process.memoryUsage().rss - before) / count;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

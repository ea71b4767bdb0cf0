import { Worker } from 'node:worker_threads';

/**
 * The load generator: `concurrency` keep-alive connections each sending GET `path` and reading the
 * whole answer, back to back, for `windows` consecutive windows of `windowMs`. It runs in a worker
 * thread so that the server measured keeps its own thread.
 */
const LOAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { socketPath, path, concurrency, windows, windowMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
let count = 0;
let deadline = 0;
function one() {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, agent }, (res) => {
      res.resume();
      if (res.statusCode !== 200) reject(new Error('GET ' + path + ': status ' + res.statusCode));
      else res.on('end', resolve).on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
async function connection() {
  while (performance.now() < deadline) {
    await one();
    count++;
  }
}
(async () => {
  const rates = [];
  for (let i = 0; i < windows; i++) {
    count = 0;
    const start = performance.now();
    deadline = start + windowMs;
    await Promise.all(Array.from({ length: concurrency }, connection));
    rates.push(count / ((performance.now() - start) / 1000));
  }
  agent.destroy();
  parentPort.postMessage({ rates });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

/** What {@link requestRates} measures. */
export interface RequestLoad {
  readonly socketPath: string;
  readonly path: string;
  readonly concurrency: number;
  readonly windows: number;
  readonly windowMs: number;
}

/** Requests per second answered in each window, in order (the first one warms up connections and JIT). */
export async function requestRates(load: RequestLoad): Promise<number[]> {
  const worker = new Worker(LOAD_SOURCE, { eval: true, workerData: load });
  try {
    const answer = await new Promise<{ rates?: number[]; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (answer.error !== undefined || !answer.rates) throw new Error(`the load generator failed: ${answer.error}`);
    return answer.rates;
  } finally {
    await worker.terminate();
  }
}

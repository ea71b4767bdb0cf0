import type { WorkerMode } from '@tsvisor/vmms';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareNodeStartMs, bareNodeStartsMs, idleNodeRssBytes } from '../baselines/node-process.js';
import { serveStaticJson } from '../baselines/static-json-server.js';
import { bareWorkerStartMs, bareWorkerStartsMs, idleWorkerRssBytes } from '../baselines/worker-thread.js';
import { median, type Figure, type Suite } from '../figure.js';
import { requestRates } from '../http/request-rate.js';
import { processRssBytes } from '../process-rss.js';
import { BenchHost } from '../vmms/bench-host.js';

/** VM starts of the latency figures, after the cold one. */
const STARTS = 10;
/** VMs of the host-scale figures. */
const FLEET = 50;
const BASELINE_RUNS = 10;
const MIB = 1024 * 1024;
/** Request-rate windows: the first warms up and is dropped, the median of the others is the figure. */
const RATE_LOAD = { path: '/vms', concurrency: 8, windows: 4, windowMs: 1500 } as const;

/** How a worker mode starts a bare unit of isolation: the baselines of its figures. */
interface ModeBaselines {
  readonly what: string;
  readonly many: string;
  readonly startMs: () => Promise<number>;
  readonly startsMs: (count: number) => Promise<number>;
  readonly idleBytes: () => Promise<number>;
}

const baselinesOf: Readonly<Record<WorkerMode, ModeBaselines>> = {
  process: { what: 'bare `node -e ""`', many: 'bare `node -e ""` processes', startMs: bareNodeStartMs, startsMs: bareNodeStartsMs, idleBytes: () => median(3, idleNodeRssBytes) },
  'in-process': { what: 'bare worker thread', many: 'bare worker threads', startMs: bareWorkerStartMs, startsMs: bareWorkerStartsMs, idleBytes: () => idleWorkerRssBytes(FLEET) },
};

function ms(value: number): string {
  return value >= 1000 ? `${Math.round(value).toLocaleString('en-US')} ms` : `${value.toPrecision(3)} ms`;
}

/** Resident memory the fleet's VMs hold: their workers' (process mode), or what this process grew by (in-process). */
async function fleetBytes(host: BenchHost, mode: WorkerMode, rssBefore: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let start-up garbage settle
  if (mode === 'in-process') return process.memoryUsage().rss - rssBefore;
  const pids = (await host.list()).map((vm) => vm.workerPid);
  if (pids.some((pid) => pid === undefined)) throw new Error('a running VM has no workerPid');
  const sizes = await Promise.all(pids.map((pid) => processRssBytes(pid!)));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** `GET /vms` requests per second with the fleet defined, against a bare server answering the same bytes. */
async function listRate(host: BenchHost, root: string): Promise<Figure> {
  const answer = await host.api.send('GET', '/vms');
  const body = Buffer.from(answer.text, 'utf8');
  const daemonRates = await requestRates({ socketPath: host.daemon.socketPath, ...RATE_LOAD });
  const server = await serveStaticJson(join(root, 'bare.sock'), body);
  let bareRates: number[];
  try {
    bareRates = await requestRates({ socketPath: join(root, 'bare.sock'), ...RATE_LOAD });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const ours = middle(daemonRates.slice(1));
  const base = middle(bareRates.slice(1));
  return {
    name: 'get-vms-rps',
    value: ours,
    unit: 'req/s',
    baseline: `bare node:http on a Unix socket, same ${Math.round(body.length / 1024)} KiB of JSON, ${Math.round(base).toLocaleString('en-US')} req/s`,
    ratio: ours / base,
  };
}

function middle(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Every figure of one worker mode, on a daemon of its own; `get-vms-rps` too when `withRate`. */
async function measureMode(root: string, mode: WorkerMode, withRate: boolean): Promise<Figure[]> {
  const bare = baselinesOf[mode];
  await bare.startMs(); // warm-up
  const bareStart = await median(BASELINE_RUNS, bare.startMs);
  const startBaseline = (ours: number): string => `${bare.what} start to exit ${ms(bareStart)}; this = ${(ours / bareStart).toFixed(1)} of them`;

  const host = await BenchHost.start(join(root, mode), mode);
  const figures: Figure[] = [];
  try {
    // The first start also builds the worker bundle and the guest image (cached for the others).
    const cold = await host.startToGreeting('cold');
    await host.turnOff(['cold']);
    await host.destroy('cold');
    figures.push({ name: `vm-start-${mode}-cold`, value: cold, unit: 'ms', baseline: startBaseline(cold), ratio: bareStart / cold });
    const start = await median(STARTS, async () => {
      const name = `start-${Math.random().toString(36).slice(2, 8)}`;
      const elapsed = await host.startToGreeting(name);
      await host.turnOff([name]);
      await host.destroy(name);
      return elapsed;
    });
    figures.push({ name: `vm-start-${mode}`, value: start, unit: 'ms', baseline: startBaseline(start), ratio: bareStart / start });

    const bareFleet = await bare.startsMs(FLEET);
    const names = Array.from({ length: FLEET }, (_, i) => `fleet-${String(i).padStart(2, '0')}`);
    const rssBefore = process.memoryUsage().rss;
    const fleet = await host.startAllToRunning(names);
    const perVm = (await fleetBytes(host, mode, rssBefore)) / FLEET;
    await host.turnOff(names);
    figures.push({
      name: `vm-start-${FLEET}-${mode}`,
      value: fleet,
      unit: 'ms',
      baseline: `${FLEET} ${bare.many} started at once, to the last exit ${ms(bareFleet)}`,
      ratio: bareFleet / fleet,
    });
    const bareBytes = await bare.idleBytes();
    figures.push({
      name: `vm-memory-${mode}`,
      value: perVm / MIB,
      unit: 'MiB/VM',
      baseline: `idle ${bare.what} ${(bareBytes / MIB).toPrecision(3)} MiB${mode === 'in-process' ? ` (RSS growth, ${FLEET} at once)` : ' (RSS)'}`,
      ratio: bareBytes / perVm,
    });

    if (withRate) figures.push(await listRate(host, root));
  } finally {
    await host.close();
  }
  return figures;
}

export const vmmsSuite: Suite = {
  name: 'vmms',
  description: 'VM start latency and 50-VM scale through the VMMS daemon API, and GET /vms request rate, against bare Node starts and node:http',
  async run(): Promise<Figure[]> {
    const root = await mkdtemp(join(tmpdir(), 'tsvisor-bench-vmms-'));
    try {
      return [...(await measureMode(root, 'process', true)), ...(await measureMode(root, 'in-process', false))];
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};

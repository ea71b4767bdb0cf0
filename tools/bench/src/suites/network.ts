import { ETHERNET_MTU, NETWORK_MAX_MTU } from '@tsvisor/network';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startWorkerFrameStream } from '../baselines/worker-frame-stream.js';
import { benchResultsDir } from '../bench-results.js';
import { medianOf, type Figure, type Suite } from '../figure.js';
import type { FrameWorkload } from '../guests/network/frame-workload.js';
import { runFrameStream, type FrameStreamWindows } from '../network/frame-stream-vms.js';
import { captureIpExchange } from '../network/ip-exchange-capture.js';
import { createNetworkBenchHost } from '../network/network-bench-host.js';
import { tsharkSummary } from '../network/tshark-summary.js';
import { medianWindowRate, type RateWindows } from '../window-rate.js';

/** Measured windows of every figure and baseline, after one warm-up window. */
const WINDOWS: RateWindows = { windows: 5, windowMs: 1000 };
const CAPTURE_FILE = 'network-exchange.pcap';

function workload(frameBytes: number): FrameWorkload {
  return { label: `${frameBytes}B`, frameBytes, ...WINDOWS };
}

/** Frames per second between two worker threads with postMessage, frames of `frameBytes`. */
async function postMessageFrameRate(frameBytes: number): Promise<number> {
  const stream = await startWorkerFrameStream(frameBytes);
  try {
    return await medianWindowRate(stream.received, WINDOWS);
  } finally {
    await stream.stop();
  }
}

function windowsOf(windows: Map<string, FrameStreamWindows>, label: string): FrameStreamWindows {
  const found = windows.get(label);
  if (!found || found.framesPerSecond.length === 0) throw new Error(`the receiving guest reported nothing for ${label}`);
  return found;
}

function gigabits(bytesPerSecond: number): number {
  return (bytesPerSecond * 8) / 1e9;
}

function perSecond(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Prints the capture's path and tshark's reading of it (which also proves the file well-formed). */
async function reportCapture(file: string, framesCaptured: number, lines: readonly string[]): Promise<void> {
  console.log(`port-mirror capture: ${relative(process.cwd(), file)} (${framesCaptured} frames)`);
  for (const line of lines) console.log(`  ${line}`);
  const summary = await tsharkSummary(file);
  if (summary === undefined) console.log('  (tshark is not installed: not read back)');
  else for (const line of summary) console.log(`  tshark: ${line.trim()}`);
}

export const networkSuite: Suite = {
  name: 'network',
  description: 'frames between two VMs through netvsc, the virtual switch and netvsp, against postMessage between two worker threads',
  async run(): Promise<Figure[]> {
    const dir = await mkdtemp(join(tmpdir(), 'tsvisor-bench-network-'));
    try {
      const host = await createNetworkBenchHost(dir);
      const load = loadavg();

      const base64 = await postMessageFrameRate(64);
      const base1500 = await postMessageFrameRate(1500);
      const base9000 = await postMessageFrameRate(9000);

      const standard = await runFrameStream(host, { name: 'bench-mtu1500', mtu: ETHERNET_MTU, workloads: [workload(64), workload(1500)] });
      const jumbo = await runFrameStream(host, { name: 'bench-mtu9000', mtu: NETWORK_MAX_MTU, workloads: [workload(9000)] });
      const capture = await captureIpExchange(host, join(await benchResultsDir(), CAPTURE_FILE));

      console.log(standard.note);
      console.log(jumbo.note);
      await reportCapture(capture.file, capture.framesCaptured, capture.lines);
      console.log('');

      const vm64 = medianOf(windowsOf(standard.windows, '64B').framesPerSecond);
      const frames1500 = windowsOf(standard.windows, '1500B');
      const vm1500 = medianOf(frames1500.framesPerSecond);
      const bits1500 = gigabits(medianOf(frames1500.bytesPerSecond));
      const bits9000 = gigabits(medianOf(windowsOf(jumbo.windows, '9000B').bytesPerSecond));
      const baseBits1500 = gigabits(base1500 * 1500);
      const baseBits9000 = gigabits(base9000 * 9000);
      const loadNote = `; load ${load.map((l) => l.toFixed(2)).join(' ')}`;
      const postMessage = (frameBytes: number, value: string) => `worker→worker postMessage of ${frameBytes} B frames ${value}`;
      return [
        { name: 'vm-to-vm-64B', value: vm64, unit: 'frames/s', baseline: postMessage(64, `${perSecond(base64)} frames/s`) + loadNote, ratio: vm64 / base64 },
        { name: 'vm-to-vm-1500B', value: vm1500, unit: 'frames/s', baseline: postMessage(1500, `${perSecond(base1500)} frames/s`), ratio: vm1500 / base1500 },
        { name: 'vm-to-vm-1500B-throughput', value: bits1500, unit: 'Gbit/s', baseline: postMessage(1500, `${baseBits1500.toPrecision(3)} Gbit/s`), ratio: bits1500 / baseBits1500 },
        { name: 'vm-to-vm-9000B-jumbo-throughput', value: bits9000, unit: 'Gbit/s', baseline: postMessage(9000, `${baseBits9000.toPrecision(3)} Gbit/s`), ratio: bits9000 / baseBits9000 },
      ];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

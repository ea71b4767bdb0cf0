import type { DevicePartition } from '@tsvisor/device-sdk/testing';
import { ETHERNET_HEADER_SIZE, ETHERNET_VLAN_TAG_SIZE } from '@tsvisor/network';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  RECEIVER_DONE_LINE,
  RECEIVER_MAC,
  RECEIVER_READY_LINE,
  RESULT_PREFIX,
  SENDER_DONE_LINE,
  SENDER_MAC,
  type FrameWorkload,
} from '../guests/network/frame-workload.js';
import { writeGuestProgram } from '../guest-program-file.js';
import { startNicVm, type NetworkBenchHost } from './network-bench-host.js';

/** Two VMs streaming frames from one to the other over a switch of their own. */
export interface FrameStreamRun {
  /** Names the switch and, with `-rx`/`-tx`, the two VMs. */
  readonly name: string;
  /** Both NICs' MTU (the switch carries frames of this MTU). */
  readonly mtu: number;
  readonly workloads: readonly FrameWorkload[];
}

/** What one workload's measured windows saw at the receiver, per second each. */
export interface FrameStreamWindows {
  readonly framesPerSecond: number[];
  readonly bytesPerSecond: number[];
}

/** The outcome of a {@link FrameStreamRun}. */
export interface FrameStreamResult {
  /** By workload label. */
  readonly windows: Map<string, FrameStreamWindows>;
  /** One line: frames the sender sent and dropped, and where the path dropped frames, for the report. */
  readonly note: string;
}

const RECEIVER_MODULE = fileURLToPath(new URL('../guests/network/frame-receiver.ts', import.meta.url));
const SENDER_MODULE = fileURLToPath(new URL('../guests/network/frame-sender.ts', import.meta.url));
/** Margin on top of the windows for boots and the switch from one workload to the next. */
const BUDGET_MARGIN_MS = 60_000;

/**
 * Creates the run's switch, boots the receiver, then (once its NIC is up) the sender, and waits
 * until the receiver has measured every workload; returns the windows it reported.
 */
export async function runFrameStream(host: NetworkBenchHost, run: FrameStreamRun): Promise<FrameStreamResult> {
  host.switches.create({ name: run.name, kind: 'private', maxFrameSize: run.mtu + ETHERNET_HEADER_SIZE + ETHERNET_VLAN_TAG_SIZE });
  const vm = (role: string, program: string, macAddress: string) => startNicVm(host, { name: `${run.name}-${role}`, program, switchName: run.name, macAddress, mtu: run.mtu });
  const receiverProgram = await writeGuestProgram(join(host.dir, `${run.name}-rx.ts`), RECEIVER_MODULE, 'runFrameReceiver', [run.workloads]);
  const senderProgram = await writeGuestProgram(join(host.dir, `${run.name}-tx.ts`), SENDER_MODULE, 'runFrameSender', [run.workloads, RECEIVER_MAC]);
  const budgetMs = run.workloads.reduce((sum, w) => sum + (w.windows + 1) * w.windowMs, 0) + BUDGET_MARGIN_MS;
  const started: DevicePartition[] = [];
  try {
    const receiver = await vm('rx', receiverProgram, RECEIVER_MAC);
    started.push(receiver);
    await receiver.waitForConsole(RECEIVER_READY_LINE, BUDGET_MARGIN_MS);
    const sender = await vm('tx', senderProgram, SENDER_MAC);
    started.push(sender);
    await receiver.waitForConsole(RECEIVER_DONE_LINE, budgetMs);
    await sender.waitForConsole(SENDER_DONE_LINE, BUDGET_MARGIN_MS);
    return { windows: parseWindows(receiver.console()), note: `${run.name}: ${pathNote(sender, receiver)}` };
  } finally {
    for (const vm of started.reverse()) await vm.stop();
    host.switches.delete(run.name);
  }
}

/** The receiver's window lines, by workload label. */
function parseWindows(console: string): Map<string, FrameStreamWindows> {
  const windows = new Map<string, FrameStreamWindows>();
  for (const match of console.matchAll(new RegExp(`^${RESULT_PREFIX} (\\S+) (\\d+) (\\d+) (\\d+)$`, 'gm'))) {
    const [, label, frames, bytes, ms] = match;
    const entry = windows.get(label!) ?? { framesPerSecond: [], bytesPerSecond: [] };
    entry.framesPerSecond.push((Number(frames) * 1000) / Number(ms));
    entry.bytesPerSecond.push((Number(bytes) * 1000) / Number(ms));
    windows.set(label!, entry);
  }
  return windows;
}

/** What the sender's guest reported sending, and what the two netvsps counted on the way. */
function pathNote(sender: DevicePartition, receiver: DevicePartition): string {
  const sent = [...sender.console().matchAll(new RegExp(`^${RESULT_PREFIX} sent (\\S+) (\\d+) (\\d+)$`, 'gm'))].map(([, label, frames, dropped]) => `${label} sent ${frames} (${dropped} dropped by netvsc)`);
  const tx = sender.vsps[0]?.counters?.() ?? {};
  const rx = receiver.vsps[0]?.counters?.() ?? {};
  return [
    ...sent,
    `netvsp tx framesSent ${tx['framesSent']} sendsRefused ${tx['sendsRefused']}`,
    `netvsp rx framesReceived ${rx['framesReceived']} receivePackets ${rx['receivePackets']} receiveDroppedNoSlot ${rx['receiveDroppedNoSlot']}`,
  ].join('; ');
}

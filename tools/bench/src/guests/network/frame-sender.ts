import type { Machine } from '@tsvisor/guest';
import { macAddress } from '@tsvisor/network/guest';
import { benchFrame, benchFrameKind, benchFrameSource, benchFrameWorkload, BenchFrameKind } from './bench-frame.js';
import { benchNic } from './bench-nic.js';
import { RESULT_PREFIX, SENDER_DONE_LINE, type FrameWorkload } from './frame-workload.js';

/**
 * Network bench sender: for each workload in turn, sends frames of its size to `receiverMac` as
 * fast as the NIC takes them (a burst into the free send sections, then `transmit`, which waits
 * for one to come free), until the receiver's
 * STOP frame for that workload comes back. Then writes what it sent and what the NIC dropped.
 */
export async function runFrameSender(machine: Machine, workloads: readonly FrameWorkload[], receiverMac: string): Promise<number> {
  const adapter = await benchNic(machine, RESULT_PREFIX);
  if (!adapter) return 1;
  const destination = macAddress(receiverMac);
  let stopped = 0;
  adapter.onFrame((frame) => {
    if (benchFrameKind(frame) === BenchFrameKind.STOP && benchFrameSource(frame) === destination) stopped = Math.max(stopped, benchFrameWorkload(frame) + 1);
  });
  for (let index = 0; index < workloads.length; index++) {
    const workload = workloads[index]!;
    const frame = benchFrame(destination, adapter.mac, workload.frameBytes, BenchFrameKind.DATA, index);
    const dropped = adapter.counters.sendDropped;
    let sent = 0;
    while (stopped <= index && adapter.linkUp) {
      // A burst while send sections are free, then one transmit that waits for the next free one.
      for (let free = adapter.freeSendSections; free > 0; free--, sent++) adapter.send(frame);
      await adapter.transmit(frame);
      sent++;
    }
    machine.console.log(`${RESULT_PREFIX} sent ${workload.label} ${sent} ${adapter.counters.sendDropped - dropped}`);
  }
  machine.console.log(SENDER_DONE_LINE);
  return 0;
}

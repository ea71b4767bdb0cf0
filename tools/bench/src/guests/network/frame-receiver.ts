import type { Machine } from '@tsvisor/guest';
import type { MacAddress } from '@tsvisor/network/guest';
import { benchFrame, benchFrameKind, benchFrameSource, benchFrameWorkload, BenchFrameKind } from './bench-frame.js';
import { benchNic } from './bench-nic.js';
import { RECEIVER_DONE_LINE, RECEIVER_READY_LINE, RESULT_PREFIX, type FrameWorkload } from './frame-workload.js';

/** How often the receiver looks whether the next workload's frames have started to come. */
const POLL_MS = 5;
/** How long the receiver waits for them before it sends the previous STOP frame again. */
const STOP_RESEND_MS = 200;

/**
 * Network bench receiver: counts the DATA frames of each workload as they arrive and, once they
 * come, writes one console line per measured window (after a warm-up window) with the frames and
 * bytes it counted and the window's length; then sends the sender a STOP frame for the workload
 * (again while the next workload's frames do not come: the STOP may have been dropped).
 * Windows are timed with the guest clock's `sleep`, their length measured with `now`.
 */
export async function runFrameReceiver(machine: Machine, workloads: readonly FrameWorkload[]): Promise<number> {
  const adapter = await benchNic(machine, RESULT_PREFIX);
  if (!adapter) return 1;
  const { clock, console } = machine;
  let current = 0;
  let frames = 0;
  let bytes = 0;
  let sender = 0 as MacAddress;
  adapter.onFrame((frame) => {
    if (benchFrameKind(frame) !== BenchFrameKind.DATA || benchFrameWorkload(frame) !== current) return;
    if (frames === 0) sender = benchFrameSource(frame);
    frames++;
    bytes += frame.length;
  });
  let stop: Uint8Array | undefined;
  console.log(RECEIVER_READY_LINE);
  for (; current < workloads.length; current++) {
    const workload = workloads[current]!;
    frames = 0;
    bytes = 0;
    for (let waited = POLL_MS; frames === 0; waited += POLL_MS) {
      if (stop !== undefined && waited % STOP_RESEND_MS === 0) adapter.send(stop);
      await clock.sleep(POLL_MS);
    }
    for (let window = 0; window <= workload.windows; window++) {
      const fromFrames = frames;
      const fromBytes = bytes;
      const start = clock.now();
      await clock.sleep(workload.windowMs);
      // Window 0 is the warm-up.
      if (window > 0) console.log(`${RESULT_PREFIX} ${workload.label} ${frames - fromFrames} ${bytes - fromBytes} ${clock.now() - start}`);
    }
    stop = benchFrame(sender, adapter.mac, 60, BenchFrameKind.STOP, current);
    await adapter.transmit(stop);
  }
  console.log(RECEIVER_DONE_LINE);
  return 0;
}

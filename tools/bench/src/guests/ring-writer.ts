import { HvStatus, PAGE_SIZE, type VpEnvironment } from '@tsvisor/hypervisor-core/guest';
import { PacketType, RingMemory, RingWriter } from '@tsvisor/vmbus';

/** Where the bench host expects the ring: guest RAM from GPA 0, `RING_PAGES` pages. */
export const RING_PAGES = 257;
/** Connection id the guest signals when the ring goes non-empty. */
const SIGNAL_CONNECTION = 2;

/**
 * Bench guest: waits for a message on SINT 2 carrying a payload size, then writes packets of
 * that size into a ring at GPA 0 forever, batching commits and sleeping on flow control.
 */
export default async function main(vp: VpEnvironment): Promise<number> {
  const slot = new Int32Array(vp.memory, vp.synic.simpGpa + 2 * 256, 64);
  while (Atomics.load(slot, 0) === 0) await vp.waitForInterrupt();
  const size = slot[4]!;
  Atomics.store(slot, 0, 0);
  const ring = new RingMemory(vp.memory, 0, RING_PAGES * PAGE_SIZE);
  const writer = new RingWriter(ring, () => {
    if (vp.signalEvent(SIGNAL_CONNECTION, 0) !== HvStatus.Success) throw new Error('signal refused');
  });
  const payload = new Uint8Array(size);
  for (let id = 1; ; id = (id + 1) >>> 0 || 1) {
    if (writer.tryAppend(PacketType.DATA_INBAND, 0, id, 0, undefined, payload)) {
      if ((id & 15) === 0) writer.commit();
      continue;
    }
    writer.commit();
    // The ring is full: the host signals SINT 2 once enough has been read.
    while (!writer.tryAppend(PacketType.DATA_INBAND, 0, id, 0, undefined, payload)) await vp.waitForInterrupt(10);
  }
}

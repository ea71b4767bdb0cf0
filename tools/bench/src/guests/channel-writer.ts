import type { VpEnvironment } from '@tsvisor/hypervisor-core/guest';
import { GuestVmbus, type OutgoingPacket } from '@tsvisor/vmbus';
import { BENCH_ARENA, BENCH_RING_PAGES } from './bench-device.js';

/**
 * Bench guest: opens the bench device's channel and sends packets through the public Channel
 * API as fast as it can, forever. The payload size is the first u32 of the offer's user-defined
 * bytes. Commits every 16 packets; waits on backpressure when the ring is full.
 */
export default async function main(vp: VpEnvironment): Promise<number> {
  const vmbus = new GuestVmbus(vp, { arena: BENCH_ARENA });
  await vmbus.connect();
  const offer = [...vmbus.offers.values()][0]!;
  const size = new DataView(offer.userDefined.buffer, offer.userDefined.byteOffset).getUint32(0, true);
  const channel = await vmbus.open(offer, { ringPages: BENCH_RING_PAGES });
  const packet: OutgoingPacket = { payload: new Uint8Array(size) };
  for (let n = 1; ; n++) {
    if (!channel.trySend(packet)) await channel.send(packet);
    if ((n & 15) === 0) channel.flush();
  }
}

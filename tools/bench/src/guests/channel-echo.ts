import type { VpEnvironment } from '@tsvisor/hypervisor-core/guest';
import { GuestVmbus } from '@tsvisor/vmbus';
import { BENCH_ARENA } from './bench-device.js';

/**
 * Bench guest: opens the bench device's channel (in poll mode when the offer's first
 * user-defined byte is 1) and completes every request with an empty completion.
 */
export default async function main(vp: VpEnvironment): Promise<void> {
  const vmbus = new GuestVmbus(vp, { arena: BENCH_ARENA });
  await vmbus.connect();
  const offer = [...vmbus.offers.values()][0]!;
  const channel = await vmbus.open(offer, { ringPages: 16, poll: offer.userDefined[0] === 1 });
  channel.packets$.subscribe((packet) => channel.complete(packet));
  // Serve until the partition stops.
  await new Promise<never>(() => undefined);
}

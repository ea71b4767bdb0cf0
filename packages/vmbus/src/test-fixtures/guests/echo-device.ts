import type { VpEnvironment } from '@tsvisor/hypervisor-core/guest';
import { GuestVmbus } from '../../guest/guest-vmbus.js';
import { ECHO_DEVICE_TYPE, GUEST_ARENA, TEST_RING_PAGES } from '../vmbus-fixtures.js';

/**
 * Test guest: connects to VMBus and opens every echo-device offer (now and hot-added later), in
 * poll mode when the offer's first user-defined byte is 1.
 * A packet that asks for a completion is completed with its own payload; any other packet is
 * sent back as it came, GPA-direct data reversed in place first.
 */
export default async function main(vp: VpEnvironment): Promise<void> {
  const vmbus = new GuestVmbus(vp, { arena: GUEST_ARENA });
  const serve = async (relid: number): Promise<void> => {
    const offer = vmbus.offers.get(relid)!;
    const channel = await vmbus.open(offer, { ringPages: TEST_RING_PAGES, poll: offer.userDefined[0] === 1 });
    channel.packets$.subscribe((packet) => {
      if (packet.completionRequested) {
        channel.complete(packet, packet.payload());
        return;
      }
      if (packet.type === 9) {
        for (const view of packet.gpaRanges().segments(vmbus.memory, 0)) view.reverse();
      }
      void channel.send({ payload: packet.payload().slice() });
    });
  };
  vmbus.offers$.subscribe((offer) => {
    if (offer.interfaceType === ECHO_DEVICE_TYPE) void serve(offer.relid);
  });
  await vmbus.connect();
  // Serve until the partition stops.
  await new Promise<never>(() => undefined);
}

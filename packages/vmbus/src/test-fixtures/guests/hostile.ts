import { PAGE_SIZE, type VpEnvironment } from '@tsvisor/hypervisor-core/guest';
import { GuestVmbus } from '../../guest/guest-vmbus.js';
import { ClientGpadlState } from '../../management/client-gpadl-state.js';
import { DEAF_DEVICE_TYPE, ECHO_DEVICE_TYPE, GREEDY_DEVICE_TYPE, GUEST_ARENA, SCRIBBLED_DEVICE_TYPE, TEST_RING_PAGES } from '../vmbus-fixtures.js';

/**
 * Hostile test guest. It serves the echo device honestly, and misbehaves on the others:
 * scribbles an invalid write index into the scribbled device's guest → host ring and signals,
 * never reads the deaf device's host → guest ring, and asks for a GPADL over a hypervisor page
 * and one beyond its memory on the greedy device.
 */
export default async function main(vp: VpEnvironment): Promise<void> {
  const vmbus = new GuestVmbus(vp, { arena: GUEST_ARENA });
  await vmbus.connect();
  const echo = await vmbus.open(vmbus.find(ECHO_DEVICE_TYPE)[0]!, { ringPages: TEST_RING_PAGES });
  echo.packets$.subscribe((packet) => echo.complete(packet, packet.payload()));

  // Rings come first-fit from the arena: the scribbled channel's guest → host ring is next.
  const scribbled = vmbus.find(SCRIBBLED_DEVICE_TYPE)[0]!;
  await vmbus.open(scribbled, { ringPages: TEST_RING_PAGES });
  const control = new Int32Array(vp.memory, (GUEST_ARENA.firstPfn + 2 * TEST_RING_PAGES) * PAGE_SIZE, 4);
  Atomics.store(control, 0, 12);
  vp.signalEvent(scribbled.connectionId, 0);

  const deaf = await vmbus.open(vmbus.find(DEAF_DEVICE_TYPE)[0]!, { ringPages: TEST_RING_PAGES });
  deaf.interrupt = () => undefined;

  const greedy = vmbus.find(GREEDY_DEVICE_TYPE)[0]!;
  vmbus.client.createGpadl(greedy.relid, [GUEST_ARENA.firstPfn + 500, vp.reservedFirstGpa / PAGE_SIZE]);
  vmbus.client.createGpadl(greedy.relid, [vp.memorySize / PAGE_SIZE + 7]);
  // Valid pages, but the rings would be scattered: the host refuses to open on them.
  const scattered = GUEST_ARENA.firstPfn + 400;
  const gpadl = vmbus.client.createGpadl(greedy.relid, [scattered, scattered + 2, scattered + 4, scattered + 6]);
  await new Promise<void>((resolve) => {
    const check = (): void => void (vmbus.client.gpadlState(gpadl) === ClientGpadlState.Created ? resolve() : vp.waitForInterrupt(1).then(check));
    check();
  });
  vmbus.client.open(greedy.relid, { gpadl, downstreamRingPageOffset: 2, targetVp: vp.vpIndex });
  // Serve until the partition stops.
  await new Promise<never>(() => undefined);
}

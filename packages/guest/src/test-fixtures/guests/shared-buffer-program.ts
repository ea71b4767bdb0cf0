import type { VpEnvironment } from '@tsvisor/vmbus';
import { bootGuest } from '../../boot-guest.js';
import type { Machine } from '../../machine.js';
import { sharedBufferDriver, type SharedBuffer } from '../shared-buffer-driver.js';

/**
 * Test guest with two shared-buffer devices: the first shares a buffer filled with 0x5a by GPADL;
 * the program reports what the first device's host reads through the handle, what the second
 * device's host finds under the same handle, and what the first finds after the teardown.
 */
async function program(machine: Machine): Promise<number> {
  const [first, second] = machine.devices.byClass('test.shared-buffer').map((d) => d.device as SharedBuffer);
  if (!first || !second) return 1;
  const handle = await first.share(0x5a);
  const read = await first.ask(handle);
  const other = await second.ask(handle);
  await first.unshare(handle);
  const after = await first.ask(handle);
  machine.console.log(`shared: ${read.toString(16)} other: ${other.toString(16)} after: ${after.toString(16)}`);
  return 0;
}

export default (vp: VpEnvironment): Promise<number> => bootGuest(vp, { program, drivers: [sharedBufferDriver] });

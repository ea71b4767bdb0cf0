import type { VpEnvironment } from '@tsvisor/vmbus';
import { filter, firstValueFrom } from 'rxjs';
import { bootGuest } from '../../boot-guest.js';
import type { Machine } from '../../machine.js';
import { multiQueueDriver, type MultiQueueEcho } from '../multi-queue-driver.js';

/**
 * Test guest program: echoes 10 on each channel of the multi-queue device (its driver opened the
 * sub-channels while binding), then waits for the host to remove the device and reports what the
 * channels' states were afterwards.
 */
async function program(machine: Machine): Promise<number> {
  const device = machine.devices.first<MultiQueueEcho>('test.multi-queue');
  if (!device) return 1;
  const answers = await Promise.all(device.channels.map((_, index) => device.echo(index, 10)));
  machine.console.log(`channels ${device.channels.length} answers ${answers.join(',')}`);
  const removed = await firstValueFrom(machine.devices.changes$.pipe(filter((c) => c.kind === 'removed')));
  const gone = removed.device.device as MultiQueueEcho;
  machine.console.log(`removed unbound=${gone.unbound} states ${gone.channels.map((c) => c.state).join(',')}`);
  return 0;
}

export default (vp: VpEnvironment): Promise<number> => bootGuest(vp, { program, drivers: [multiQueueDriver] });

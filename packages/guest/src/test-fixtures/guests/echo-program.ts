import type { VpEnvironment } from '@tsvisor/vmbus';
import { filter, firstValueFrom } from 'rxjs';
import { bootGuest } from '../../boot-guest.js';
import type { Machine } from '../../machine.js';
import { echoDriver, type Echo } from '../echo-driver.js';

/**
 * Test guest program: logs the devices it has, echoes 41 through the first echo device, waits
 * for a second one to be hot-added and then removed, and exits with the first echo's answer.
 */
async function program(machine: Machine): Promise<number> {
  machine.console.log('devices:', machine.devices.all().map((d) => d.classId).join(','));
  const echo = machine.devices.first<Echo>('test.echo');
  if (!echo) return 1;
  const answer = await echo.echo(41);
  machine.console.log(`echo 41 -> ${answer}`);
  const added = await firstValueFrom(machine.devices.changes$.pipe(filter((c) => c.kind === 'added')));
  machine.console.log(`added ${added.device.classId} ${added.device.instanceId}`);
  const second = await (added.device.device as Echo).echo(7);
  machine.console.log(`second echo 7 -> ${second}`);
  const removed = await firstValueFrom(machine.devices.changes$.pipe(filter((c) => c.kind === 'removed')));
  machine.console.log(`removed ${removed.device.instanceId} unbound=${(removed.device.device as Echo).unbound}`);
  return answer;
}

export default (vp: VpEnvironment): Promise<number> => bootGuest(vp, { program, drivers: [echoDriver] });

import type { VscDriver } from '@tsvisor/device-sdk/guest';
import type { VpEnvironment } from '@tsvisor/vmbus';
import { bootGuest } from '../../boot-guest.js';
import type { Machine } from '../../machine.js';
import { echoDriver, type Echo } from '../echo-driver.js';

/** Interface GUID of a device whose driver always fails to bind. */
export const BROKEN_TYPE = '5a1e0c3b-8d2f-4b6a-9c1e-7f3d2b4a6c8f';

const brokenDriver: VscDriver<never> = {
  deviceClass: { id: 'test.broken', interfaceType: BROKEN_TYPE, displayName: 'Broken' },
  bind: () => Promise.reject(new Error('the device is not ready')),
};

/** Test guest: a broken driver beside the echo driver; the program lists what it got and echoes. */
async function program(machine: Machine): Promise<number> {
  machine.console.log(`devices: ${machine.devices.all().map((d) => d.classId).join(',')}`);
  return (await machine.devices.first<Echo>('test.echo')!.echo(9)) === 10 ? 0 : 1;
}

export default (vp: VpEnvironment): Promise<number> => bootGuest(vp, { program, drivers: [brokenDriver, echoDriver] });

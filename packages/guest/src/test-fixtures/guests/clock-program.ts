import type { VpEnvironment } from '@tsvisor/vmbus';
import { bootGuest } from '../../boot-guest.js';
import type { Machine } from '../../machine.js';

/** Test guest: sleeps three times on the machine's clock and reports how long each sleep took. */
async function program(machine: Machine): Promise<number> {
  const slept: number[] = [];
  for (const ms of [0, 30, 60]) {
    const started = machine.clock.now();
    await machine.clock.sleep(ms);
    slept.push(machine.clock.now() - started);
  }
  await machine.clock.sleep(Number.NaN);
  await machine.clock.sleep(-5);
  machine.console.log(`slept ${slept.join(' ')}`);
  return 0;
}

export default (vp: VpEnvironment): Promise<number> => bootGuest(vp, { program, drivers: [] });

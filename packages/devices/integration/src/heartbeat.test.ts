import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartbeatDriver, type HeartbeatDevice } from './guest/heartbeat-driver.js';
import { HeartbeatVspFactory, type HeartbeatVsp } from './host/heartbeat-vsp.js';
import { HeartbeatApplicationState } from './protocol/heartbeat.js';

let bed: DeviceTestBed<HeartbeatDevice> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe('heartbeat service', () => {
  it('negotiates, goes ok, and reports lost communication once the guest stops answering', async () => {
    bed = await connectDevice({ factory: new HeartbeatVspFactory(), driver: new HeartbeatDriver(), config: { intervalMs: 20, missedLimit: 3 } });
    const vsp = bed.vsp as HeartbeatVsp;
    expect(vsp.status).toBe('no-contact');
    await firstValueFrom(vsp.status$.pipe(filter((s) => s === 'ok'), timeout(5_000)));
    expect(vsp.applicationState).toBe(HeartbeatApplicationState.HEALTHY);
    bed.device.answering = false;
    await firstValueFrom(vsp.status$.pipe(filter((s) => s === 'lost-communication'), timeout(5_000)));
    expect(vsp.counters().timeouts).toBeGreaterThanOrEqual(3);
    bed.device.answering = true;
    await firstValueFrom(vsp.status$.pipe(filter((s) => s === 'ok'), timeout(5_000)));
    expect(bed.device.counters.rejected).toBe(0);
    expect(vsp.counters().rejected).toBe(0);
  });
});

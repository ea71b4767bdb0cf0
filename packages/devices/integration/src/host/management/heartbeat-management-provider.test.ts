import type { GuestHeartbeat } from '@tsvisor/device-sdk/host';
import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { filter, firstValueFrom, lastValueFrom, timeout, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartbeatDriver, type HeartbeatDevice } from '../../guest/heartbeat-driver.js';
import { HeartbeatVspFactory, type HeartbeatVsp } from '../heartbeat-vsp.js';
import { HeartbeatManagementProvider } from './heartbeat-management-provider.js';

let bed: DeviceTestBed<HeartbeatDevice> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe('HeartbeatManagementProvider', () => {
  it('manages integration.heartbeat devices', () => {
    expect(new HeartbeatManagementProvider().classId).toBe('integration.heartbeat');
  });

  it("reports 'ok' once the guest driver answers, 'lost-communication' once it stops, and completes when the VSP stops", async () => {
    bed = await connectDevice({ factory: new HeartbeatVspFactory(), driver: new HeartbeatDriver(), config: { intervalMs: 20, missedLimit: 3 } });
    const { heartbeat$ } = new HeartbeatManagementProvider().manage(bed.vsp as HeartbeatVsp);
    if (!heartbeat$) return expect.fail('a heartbeat device reports a heartbeat');
    const seen = lastValueFrom(heartbeat$.pipe(toArray()));
    await firstValueFrom(heartbeat$.pipe(filter((h) => h === 'ok'), timeout(5_000)));
    bed.device.answering = false;
    await firstValueFrom(heartbeat$.pipe(filter((h) => h === 'lost-communication'), timeout(5_000)));
    await bed.close();
    bed = undefined;
    // A loaded machine may stall answers past the 20 ms interval and flip the status more often:
    // what matters is the order, no repeats, and the end.
    const statuses = await seen;
    expect(statuses.slice(0, 2)).toEqual<GuestHeartbeat[]>(['no-contact', 'ok']);
    expect(statuses.at(-1)).toBe('lost-communication');
    expect(statuses.every((status, i) => i === 0 || status !== statuses[i - 1])).toBe(true);
  });

  it("gives a late subscriber the current heartbeat at once", async () => {
    bed = await connectDevice({ factory: new HeartbeatVspFactory(), driver: new HeartbeatDriver(), config: { intervalMs: 20 } });
    const vsp = bed.vsp as HeartbeatVsp;
    await firstValueFrom(vsp.status$.pipe(filter((s) => s === 'ok'), timeout(5_000)));
    const { heartbeat$ } = new HeartbeatManagementProvider().manage(vsp);
    expect(await firstValueFrom(heartbeat$!)).toBe('ok');
  });
});

import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeSyncDriver, type GuestClock } from '../../guest/timesync-driver.js';
import { TimeSyncVspFactory, type TimeSyncVsp } from '../timesync-vsp.js';
import { TimeSyncManagementProvider } from './timesync-management-provider.js';

let bed: DeviceTestBed<GuestClock> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe('TimeSyncManagementProvider', () => {
  it('reports the time samples sent and acknowledged, and offers nothing else', async () => {
    bed = await connectDevice({ factory: new TimeSyncVspFactory(), driver: new TimeSyncDriver(), config: { intervalMs: 20 } });
    const vsp = bed.vsp as TimeSyncVsp;
    const management = new TimeSyncManagementProvider().manage(vsp);
    expect(new TimeSyncManagementProvider().classId).toBe('integration.timesync');
    expect(Object.keys(management)).toEqual(['counters']);
    await vi.waitFor(() => expect(management.counters?.()['samplesAcknowledged']).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    const counters = management.counters!();
    expect(counters).toMatchObject({ rejected: 0, timeouts: 0, unsupported: 0 });
    expect(counters['samplesSent']).toBeGreaterThanOrEqual(counters['samplesAcknowledged']!);
    expect(bed.device.samples).toBeGreaterThanOrEqual(2);
  });
});

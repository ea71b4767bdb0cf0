import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeSyncDriver, type GuestClock } from './guest/timesync-driver.js';
import { TimeSyncVspFactory, type TimeSyncVsp } from './host/timesync-vsp.js';
import { icVersion } from './protocol/ic-version.js';
import { TimeSyncFlag } from './protocol/timesync.js';

const HOUR_MS = 3_600_000;

let bed: DeviceTestBed<GuestClock> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** A guest that speaks only time sync 3.0: samples come in the three-time format. */
class TimeSyncV3Driver extends TimeSyncDriver {
  protected override readonly serviceVersions = [icVersion(3, 0)];
}

/** A guest that speaks only a time sync version no host offers. */
class TimeSyncFromTheFutureDriver extends TimeSyncDriver {
  protected override readonly serviceVersions = [icVersion(9, 9)];
}

describe('time sync service', () => {
  it('sets the guest clock to the host time, then follows the host clock as it moves', async () => {
    let hostOffsetMs = HOUR_MS;
    bed = await connectDevice({
      factory: new TimeSyncVspFactory(() => Date.now() + hostOffsetMs),
      driver: new TimeSyncDriver(),
      config: { intervalMs: 50 },
    });
    const clock = bed.device;
    const vsp = bed.vsp as TimeSyncVsp;
    expect(clock.synced).toBe(false);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1_000);

    const first = await firstValueFrom(clock.samples$.pipe(timeout(5_000)));
    expect(first.flags).toBe(TimeSyncFlag.SYNC);
    expect(clock.synced).toBe(true);
    expect(Math.abs(clock.now() - (Date.now() + HOUR_MS))).toBeLessThan(1_000);
    expect(Math.abs(clock.offsetMs - HOUR_MS)).toBeLessThan(1_000);

    hostOffsetMs = -2 * HOUR_MS;
    const moved = await firstValueFrom(
      clock.samples$.pipe(
        filter((sample) => sample.hostTimeMs < Date.now() - HOUR_MS),
        timeout(5_000),
      ),
    );
    expect(moved.flags).toBe(TimeSyncFlag.SAMPLE);
    expect(Math.abs(clock.now() - (Date.now() - 2 * HOUR_MS))).toBeLessThan(1_000);
    expect(clock.samples).toBeGreaterThanOrEqual(2);
    expect(clock.counters.rejected).toBe(0);
    const counters = vsp.counters();
    expect(counters.samplesSent).toBeGreaterThanOrEqual(clock.samples);
    expect(counters.samplesAcknowledged).toBeGreaterThanOrEqual(1);
    expect(counters.rejected).toBe(0);
    expect(counters.unsupported).toBe(0);
  });

  it('sends SYNC until the guest acknowledges one, then SAMPLEs', async () => {
    bed = await connectDevice({ factory: new TimeSyncVspFactory(), driver: new TimeSyncDriver(), config: { intervalMs: 50 } });
    // Signals arrive on a later turn (setImmediate): subscribing now sees the first sample.
    const flags: number[] = [];
    const subscription = bed.device.samples$.subscribe((sample) => flags.push(sample.flags));
    await vi.waitFor(() => expect(flags.length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    subscription.unsubscribe();
    const firstSample = flags.indexOf(TimeSyncFlag.SAMPLE);
    expect(flags[0]).toBe(TimeSyncFlag.SYNC);
    expect(firstSample).toBeGreaterThan(0);
    expect(flags.slice(0, firstSample).every((flag) => flag === TimeSyncFlag.SYNC)).toBe(true);
    expect(flags.slice(firstSample).every((flag) => flag === TimeSyncFlag.SAMPLE)).toBe(true);
  });

  it('falls back to the 3.0 sample format for a guest without 4.0', async () => {
    bed = await connectDevice({
      factory: new TimeSyncVspFactory(() => Date.now() + HOUR_MS),
      driver: new TimeSyncV3Driver(),
      config: { intervalMs: 20 },
    });
    const clock = bed.device;
    await vi.waitFor(() => expect(clock.synced).toBe(true), { timeout: 5_000 });
    expect(Math.abs(clock.now() - (Date.now() + HOUR_MS))).toBeLessThan(1_000);
    expect(clock.counters.rejected).toBe(0);
  });

  it('sends no samples to a guest that speaks no common version', async () => {
    bed = await connectDevice({ factory: new TimeSyncVspFactory(), driver: new TimeSyncFromTheFutureDriver(), config: { intervalMs: 10 } });
    const vsp = bed.vsp as TimeSyncVsp;
    await vi.waitFor(() => expect(vsp.counters().unsupported).toBe(1), { timeout: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(vsp.counters()).toMatchObject({ requests: 1, samplesSent: 0, unsupported: 1, rejected: 0 });
    expect(bed.device.samples).toBe(0);
    expect(bed.device.synced).toBe(false);
    expect(bed.device.counters).toEqual({ answered: 1, rejected: 0 });
  });
});

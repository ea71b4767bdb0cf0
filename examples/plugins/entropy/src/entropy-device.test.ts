import { ChannelClosedError, ChannelStatus, type DeviceConfigError } from '@tsvisor/device-sdk';
import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EntropyDriver, type EntropyDevice } from './guest/entropy-driver.js';
import { EntropyVspFactory, type EntropyFill, type EntropyVsp } from './host/entropy-vsp.js';
import { EntropyStatus, buildGetEntropy, buildQueryLimits, readEntropyResponse } from './protocol/entropy-protocol.js';

let bed: DeviceTestBed<EntropyDevice> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function connect(config: unknown = {}, fill?: EntropyFill): Promise<{ device: EntropyDevice; vsp: EntropyVsp }> {
  bed = await connectDevice({ factory: new EntropyVspFactory(fill), driver: new EntropyDriver(), config });
  return { device: bed.device, vsp: bed.vsp as EntropyVsp };
}

/** Sends `payload` from the guest end as the driver would, and reads the status of the answer. */
async function statusOf(payload: Uint8Array): Promise<number> {
  const { payload: answer } = await firstValueFrom(bed!.guest.request({ payload }));
  return readEntropyResponse(answer, 0).status;
}

describe('the entropy device over real rings', () => {
  it('reports its limits to the driver when it binds', async () => {
    const { device, vsp } = await connect({ maxRequestBytes: 512, bytesPerSecond: 1_000_000 });
    expect(device.limits).toEqual({ maxRequestBytes: 512, bytesPerSecond: 1_000_000 });
    expect(vsp.counters()).toEqual({ requests: 1, bytes: 0, rejected: 0, throttled: 0 });
  });

  it('fills the target with random bytes that differ between calls', async () => {
    const { device, vsp } = await connect();
    const first = new Uint8Array(64);
    expect(await device.getRandomValues(first)).toBe(first);
    const second = await device.getRandomValues(new Uint8Array(64));
    expect(first.some((byte) => byte !== 0)).toBe(true);
    expect(second.some((byte) => byte !== 0)).toBe(true);
    expect(Array.from(second)).not.toEqual(Array.from(first));
    expect(vsp.counters()).toMatchObject({ requests: 3, bytes: 128, rejected: 0 });
  });

  it('splits a large read into maxRequestBytes requests, several in flight, each landing in its place', async () => {
    let chunk = 0;
    const numbered: EntropyFill = (target, offset, length) => void target.fill(++chunk, offset, offset + length);
    const { device, vsp } = await connect({ maxRequestBytes: 1000 }, numbered);
    const target = new Uint8Array(10_500);
    const read = device.getRandomValues(target);
    expect(bed!.guest.pendingRequests).toBe(4);
    await read;
    for (let i = 0; i < target.length; i += 250) expect(target[i]).toBe(Math.floor(i / 1000) + 1);
    expect(target[10_499]).toBe(11);
    expect(vsp.counters()).toMatchObject({ requests: 1 + 11, bytes: 10_500 });
    expect(bed!.guest.pendingRequests).toBe(0);
  });

  it('reads nothing for an empty target, and handles a subarray in place', async () => {
    const { device, vsp } = await connect({ maxRequestBytes: 16 });
    expect((await device.getRandomValues(new Uint8Array(0))).length).toBe(0);
    const whole = new Uint8Array(64);
    await device.getRandomValues(whole.subarray(8, 40));
    expect(whole.subarray(0, 8).every((byte) => byte === 0) && whole.subarray(40).every((byte) => byte === 0)).toBe(true);
    expect(vsp.counters()).toMatchObject({ requests: 1 + 2, bytes: 32 });
  });

  it('answers malformed requests with an error status, counts them, and goes on serving', async () => {
    const { device, vsp } = await connect({ maxRequestBytes: 256 });
    expect(await statusOf(new Uint8Array(0))).toBe(EntropyStatus.MALFORMED_REQUEST); // truncated
    expect(await statusOf(new Uint8Array(24))).toBe(EntropyStatus.MALFORMED_REQUEST); // too long
    expect(await statusOf(Uint8Array.of(7, 0, 0, 0, 16, 0, 0, 0))).toBe(EntropyStatus.UNKNOWN_OPCODE);
    expect(await statusOf(buildGetEntropy(257))).toBe(EntropyStatus.INVALID_LENGTH); // oversize
    expect(await statusOf(buildGetEntropy(0))).toBe(EntropyStatus.INVALID_LENGTH);
    expect(await statusOf(Uint8Array.of(2, 0, 0, 0, 8, 0, 0, 0))).toBe(EntropyStatus.INVALID_LENGTH);
    await bed!.guest.send({ payload: buildQueryLimits() }); // no transaction id: cannot be answered
    expect((await device.getRandomValues(new Uint8Array(300))).some((byte) => byte !== 0)).toBe(true);
    expect(bed!.host.state).toBe(ChannelStatus.Open);
    expect(vsp.counters()).toEqual({ requests: 1 + 7 + 2, bytes: 300, rejected: 7, throttled: 0 });
  });

  it('paces reads to bytesPerSecond, making the excess wait in order', async () => {
    const { device, vsp } = await connect({ maxRequestBytes: 1000, bytesPerSecond: 10_000 });
    const started = performance.now();
    await device.getRandomValues(new Uint8Array(10_000)); // the full bucket
    expect(vsp.counters().throttled).toBe(0);
    await device.getRandomValues(new Uint8Array(3_000)); // 0.3 s of refill
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(vsp.counters()).toMatchObject({ bytes: 13_000, rejected: 0 });
    expect(vsp.counters().throttled).toBeGreaterThanOrEqual(1);
  });

  it('fails a read waiting for the rate limit when the device is rescinded, and drops its request', async () => {
    const { device, vsp } = await connect({ maxRequestBytes: 1000, bytesPerSecond: 100 });
    await device.getRandomValues(new Uint8Array(100)); // the full bucket
    const waiting = device.getRandomValues(new Uint8Array(1000)); // due in 10 s: far beyond the rescind
    await vi.waitFor(() => expect(vsp.counters().throttled).toBe(1), { timeout: 5_000 });
    await bed!.rescind();
    await expect(waiting).rejects.toBeInstanceOf(ChannelClosedError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(vsp.counters().bytes).toBe(100);
  });

  it('refuses a configuration that does not fit the class, naming the field', async () => {
    const driver = new EntropyDriver();
    await expect(connectDevice({ factory: new EntropyVspFactory(), driver, config: { maxRequestBytes: 65_537 } })).rejects.toThrow(
      expect.objectContaining({ name: 'DeviceConfigError', field: 'config.maxRequestBytes' }) as DeviceConfigError,
    );
    await expect(connectDevice({ factory: new EntropyVspFactory(), driver, config: { bytesPerSecond: 1.5 } })).rejects.toThrow(
      expect.objectContaining({ name: 'DeviceConfigError', field: 'config.bytesPerSecond' }) as DeviceConfigError,
    );
  });
});

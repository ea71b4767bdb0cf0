import type { GuestShutdownOutcome, GuestShutdownRequest } from '@tsvisor/device-sdk/host';
import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShutdownDriver, type ShutdownDevice, type ShutdownRequestEvent } from '../../guest/shutdown-driver.js';
import { IntegrationServiceUnavailableError } from '../service-unavailable-error.js';
import { ShutdownVspFactory, type ShutdownVsp } from '../shutdown-vsp.js';
import { ShutdownManagementProvider } from './shutdown-management-provider.js';

let bed: DeviceTestBed<ShutdownDevice> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** A shutdown device whose channel is negotiated, and its management. */
async function connect(): Promise<{ device: ShutdownDevice; shutdown: (request: GuestShutdownRequest) => Promise<GuestShutdownOutcome> }> {
  bed = await connectDevice({ factory: new ShutdownVspFactory(), driver: new ShutdownDriver(), config: { timeoutSeconds: 5 } });
  const vsp = bed.vsp as ShutdownVsp;
  // The negotiation is the VSP's first request; the channel is ready once it is answered.
  await vi.waitFor(() => expect(vsp.counters().requests).toBe(1), { timeout: 5_000 });
  const { shutdown } = new ShutdownManagementProvider().manage(vsp);
  if (!shutdown) return expect.fail('a shutdown device offers a guest-assisted shutdown');
  return { device: bed.device, shutdown };
}

describe('ShutdownManagementProvider', () => {
  it('manages integration.shutdown devices', () => {
    expect(new ShutdownManagementProvider().classId).toBe('integration.shutdown');
  });

  it('asks the guest to power off or restart with the reason as message, and reports an acceptance or a veto', async () => {
    const { device, shutdown } = await connect();
    const seen: ShutdownRequestEvent[] = [];
    device.requests$.subscribe((request) => {
      seen.push(request);
      if (request.message === 'patching') request.veto();
      else request.accept();
    });
    const signal = new AbortController().signal;
    expect(await shutdown({ reason: 'patching', restart: true, signal })).toBe('vetoed');
    expect(device.accepted).toBe(false);
    expect(await shutdown({ reason: 'host maintenance', restart: false, signal })).toBe('accepted');
    expect(device.accepted).toBe(true);
    expect(seen.map(({ action, force, message }) => ({ action, force, message }))).toEqual([
      { action: 'restart', force: false, message: 'patching' },
      { action: 'power-off', force: false, message: 'host maintenance' },
    ]);
  });

  it('cuts a reason to the 1024 characters the message holds', async () => {
    const { device, shutdown } = await connect();
    const messages: string[] = [];
    device.requests$.subscribe((request) => {
      messages.push(request.message);
      request.accept();
    });
    expect(await shutdown({ reason: 'x'.repeat(2_000), restart: false, signal: new AbortController().signal })).toBe('accepted');
    expect(messages).toEqual(['x'.repeat(1_024)]);
  });

  it("stops waiting with 'no-answer' when the signal aborts", async () => {
    const { device, shutdown } = await connect();
    let delivered!: () => void;
    const reachedGuest = new Promise<void>((resolve) => (delivered = resolve));
    device.requests$.subscribe(() => delivered()); // listens, never decides
    const controller = new AbortController();
    const answer = shutdown({ reason: 'slow guest', restart: false, signal: controller.signal });
    await reachedGuest;
    controller.abort();
    expect(await answer).toBe('no-answer');
  });

  it('sends nothing when the signal has already aborted', async () => {
    const { device, shutdown } = await connect();
    const messages: string[] = [];
    device.requests$.subscribe((request) => {
      messages.push(request.message);
      request.accept();
    });
    expect(await shutdown({ reason: 'too late', restart: false, signal: AbortSignal.abort() })).toBe('no-answer');
    expect(await shutdown({ reason: 'on time', restart: false, signal: new AbortController().signal })).toBe('accepted');
    expect(messages).toEqual(['on time']);
  });

  it('rejects with IntegrationServiceUnavailableError when the guest has no open channel', async () => {
    const { shutdown } = await connect();
    await bed!.rescind();
    await expect(shutdown({ reason: 'gone', restart: false, signal: new AbortController().signal })).rejects.toBeInstanceOf(IntegrationServiceUnavailableError);
  });
});

import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ShutdownDriver, type ShutdownDevice } from './guest/shutdown-driver.js';
import { ShutdownVspFactory, type ShutdownVsp } from './host/shutdown-vsp.js';
import { IntegrationServiceUnavailableError } from './host/service-unavailable-error.js';

let bed: DeviceTestBed<ShutdownDevice> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function negotiated(vsp: ShutdownVsp): Promise<void> {
  for (let i = 0; i < 500 && vsp.counters().requests === 0; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20));
}

describe('shutdown service', () => {
  it('delivers a request to the guest program, which accepts or vetoes it', async () => {
    bed = await connectDevice({ factory: new ShutdownVspFactory(), driver: new ShutdownDriver(), config: { timeoutSeconds: 5 } });
    const vsp = bed.vsp as ShutdownVsp;
    await negotiated(vsp);
    const seen: string[] = [];
    let veto = true;
    bed.device.requests$.subscribe((request) => {
      seen.push(`${request.action} force=${request.force} ${request.message}`);
      if (veto) request.veto();
      else request.accept();
    });
    expect(await vsp.requestShutdown({ action: 'restart', message: 'maintenance' })).toBe('vetoed');
    expect(bed.device.accepted).toBe(false);
    veto = false;
    expect(await vsp.requestShutdown({ force: true })).toBe('accepted');
    expect(bed.device.accepted).toBe(true);
    expect(seen).toEqual(['restart force=false maintenance', 'power-off force=true ']);
  });

  it('accepts at once when the program does not listen, and reports a guest that never answers', async () => {
    bed = await connectDevice({ factory: new ShutdownVspFactory(), driver: new ShutdownDriver(), config: { timeoutSeconds: 1 } });
    const vsp = bed.vsp as ShutdownVsp;
    await negotiated(vsp);
    expect(await vsp.requestShutdown()).toBe('accepted');
    bed.device.requests$.subscribe(() => undefined); // listens but never decides
    expect(await vsp.requestShutdown()).toBe('no-answer');
    expect(vsp.counters().timeouts).toBe(1);
  });

  it('refuses to ask a guest that has not opened the channel', async () => {
    bed = await connectDevice({ factory: new ShutdownVspFactory(), driver: new ShutdownDriver() });
    const vsp = bed.vsp as ShutdownVsp;
    await negotiated(vsp);
    await bed.rescind();
    await expect(vsp.requestShutdown()).rejects.toBeInstanceOf(IntegrationServiceUnavailableError);
  });
});

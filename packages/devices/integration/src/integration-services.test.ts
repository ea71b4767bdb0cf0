import { startDevicePartition, type DevicePartition } from '@tsvisor/device-sdk/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartbeatVspFactory, type HeartbeatVsp } from './host/heartbeat-vsp.js';
import { IntegrationServiceUnavailableError } from './host/service-unavailable-error.js';
import { KvpVspFactory, type KvpVsp } from './host/kvp-vsp.js';
import { ShutdownVspFactory, type ShutdownVsp } from './host/shutdown-vsp.js';
import { TimeSyncVspFactory } from './host/timesync-vsp.js';
import { KvpPool } from './protocol/kvp.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const HOUR = 3_600_000;

let vm: DevicePartition | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
});

/** Calls `ask` until the service is connected (its channel open and negotiated), for up to 10 s. */
async function onceConnected<T>(ask: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask();
    } catch (error) {
      if (!(error instanceof IntegrationServiceUnavailableError) || attempt >= 400) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

describe('the four integration services in a real partition', () => {
  it('heartbeat goes ok then lost; the guest clock follows the host; KVP flows both ways; a guest-assisted shutdown completes', async () => {
    let hostOffset = HOUR;
    vm = await startDevicePartition({
      program: here('./test-fixtures/guests/integration-program.ts'),
      plugins: [
        {
          factories: [new HeartbeatVspFactory(), new ShutdownVspFactory(), new TimeSyncVspFactory(() => Date.now() + hostOffset), new KvpVspFactory()],
          guestModule: here('./guest/index.ts'),
        },
      ],
      devices: [
        { class: 'integration.heartbeat', config: { intervalMs: 50, missedLimit: 3 } },
        { class: 'integration.shutdown', config: { timeoutSeconds: 5 } },
        { class: 'integration.timesync', config: { intervalMs: 100 } },
        { class: 'integration.kvp' },
      ],
    });
    const [heartbeat, shutdown, , kvp] = vm.vsps as [HeartbeatVsp, ShutdownVsp, unknown, KvpVsp];
    await vm.waitForConsole('ready');

    // Heartbeat: ok, then lost communication when the guest stops answering, then ok again. Each
    // service negotiates its channel on its own: the first shutdown request waits for that one.
    await firstValueFrom(heartbeat.status$.pipe(filter((s) => s === 'ok'), timeout(10_000)));
    expect(await onceConnected(() => shutdown.requestShutdown({ message: 'hang' }))).toBe('vetoed');
    await firstValueFrom(heartbeat.status$.pipe(filter((s) => s === 'lost-communication'), timeout(10_000)));
    expect(await shutdown.requestShutdown({ message: 'wake' })).toBe('vetoed');
    await firstValueFrom(heartbeat.status$.pipe(filter((s) => s === 'ok'), timeout(10_000)));

    // Time sync: the guest's clock follows the host's, an hour ahead, then two hours behind.
    await vm.waitForConsole('clock ahead by 3600 s');
    hostOffset = -2 * HOUR;
    await vm.waitForConsole('clock ahead by -7200 s');

    // KVP: the guest's Guest pool reaches the host, the host's External pool reaches the guest.
    await firstValueFrom(kvp.available$.pipe(filter(Boolean), timeout(10_000)));
    expect(await kvp.get(KvpPool.GUEST, 'Role')).toEqual({ type: 1, text: 'web' });
    await kvp.set(KvpPool.EXTERNAL, 'HostName', 'tsvisor-host');
    expect(await shutdown.requestShutdown({ message: 'kvp' })).toBe('vetoed');
    await vm.waitForConsole('host name: tsvisor-host');

    // A guest-assisted shutdown: the program accepts and ends, the VM halts.
    expect(await shutdown.requestShutdown({ action: 'power-off', message: 'bye' })).toBe('accepted');
    await vm.waitForConsole('shutting down: power-off');
    for (let i = 0; i < 500 && vm.partition.state !== 'off'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(vm.partition.state).toBe('off');
    expect(vm.partition.reason).toContain('exit code 0');
    expect(heartbeat.counters().rejected + shutdown.counters().rejected + kvp.counters().rejected).toBe(0);
  });
});

import { DEFAULT_ENTRY_CONDITIONS, locatePackage, resolvePackageEntry } from '@tsvisor/device-sdk/host';
import { startDevicePartition, type DevicePartition } from '@tsvisor/device-sdk/testing';
import {
  HeartbeatManagementProvider,
  HeartbeatVspFactory,
  KvpManagementProvider,
  KvpVspFactory,
  ShutdownManagementProvider,
  ShutdownVspFactory,
  TimeSyncVspFactory,
  type HeartbeatVsp,
  type KvpVsp,
  type ShutdownVsp,
} from '@tsvisor/integration/host';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The integration services' guest module, from source as the tests run. */
async function integrationGuestModule(): Promise<string> {
  const packageDir = await locatePackage('@tsvisor/integration', here('.'));
  if (!packageDir) throw new Error('@tsvisor/integration is not installed');
  return resolvePackageEntry(packageDir, './guest', ['@tsvisor/source', ...DEFAULT_ENTRY_CONDITIONS]);
}

let vm: DevicePartition | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
});

describe('the integration-services guest program', () => {
  it('greets, publishes its KVP values, prints what the host sets, keeps its heartbeat, and halts on an accepted shutdown', async () => {
    vm = await startDevicePartition({
      program: here('./integration-services.ts'),
      plugins: [
        {
          factories: [new HeartbeatVspFactory(), new ShutdownVspFactory(), new TimeSyncVspFactory(), new KvpVspFactory()],
          guestModule: await integrationGuestModule(),
        },
      ],
      devices: [
        { class: 'integration.heartbeat', config: { intervalMs: 50 } },
        { class: 'integration.shutdown', config: { timeoutSeconds: 5 } },
        { class: 'integration.timesync', config: { intervalMs: 50 } },
        { class: 'integration.kvp' },
      ],
    });
    const [heartbeatVsp, shutdownVsp, , kvpVsp] = vm.vsps as [HeartbeatVsp, ShutdownVsp, unknown, KvpVsp];
    const { heartbeat$ } = new HeartbeatManagementProvider().manage(heartbeatVsp);
    const { shutdown } = new ShutdownManagementProvider().manage(shutdownVsp);
    const kvp = new KvpManagementProvider().manage(kvpVsp).operations!;
    const signal = new AbortController().signal;
    const invoke = (name: string, input: unknown): Promise<unknown> => kvp[name]!.invoke(kvp[name]!.input.parse(input), signal);

    await vm.waitForConsole('hello from integration-services');

    await firstValueFrom(kvpVsp.available$.pipe(filter(Boolean), timeout(10_000)));
    expect(await invoke('kvp.enumerate', { pool: 'GUEST' })).toEqual({
      records: [
        { key: 'guest.os', value: 'tsvisor-guest', type: 'string' },
        { key: 'guest.program', value: 'integration-services', type: 'string' },
      ],
    });

    await invoke('kvp.set', { pool: 'EXTERNAL', key: 'host.name', value: 'tsvisor-host' });
    await invoke('kvp.set', { pool: 'EXTERNAL', key: 'host.generation', value: 2 });
    await vm.waitForConsole('kvp: host.name = tsvisor-host');
    await vm.waitForConsole('kvp: host.generation = 2');
    await invoke('kvp.set', { pool: 'EXTERNAL', key: 'host.name', value: 'renamed-host' });
    await vm.waitForConsole('kvp: host.name = renamed-host');

    expect(await firstValueFrom(heartbeat$!.pipe(filter((h) => h === 'ok'), timeout(10_000)))).toBe('ok');

    expect(await shutdown!({ reason: 'host maintenance', restart: false, signal })).toBe('accepted');
    await vm.waitForConsole('shutdown: host maintenance');
    for (let i = 0; i < 500 && vm.partition.state !== 'off'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(vm.partition.state).toBe('off');
    expect(vm.partition.reason).toContain('exit code 0');
    expect(vm.console().match(/kvp: host\.name = tsvisor-host/g)).toHaveLength(1);
  });
});

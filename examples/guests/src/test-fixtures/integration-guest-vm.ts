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
import type { DeviceManagement } from '@tsvisor/device-sdk/host';
import { fileURLToPath } from 'node:url';

/** A running example guest with the four integration services, and their management as the VMMS uses it. */
export interface IntegrationGuestVm {
  readonly vm: DevicePartition;
  readonly kvpVsp: KvpVsp;
  readonly heartbeat$: NonNullable<DeviceManagement['heartbeat$']>;
  readonly shutdown: NonNullable<DeviceManagement['shutdown']>;
  /** Runs a KVP management operation (`kvp.get`, `kvp.set`, …) with its input checked. */
  invoke(operation: string, input: unknown): Promise<unknown>;
}

/** The integration services' guest module, from source as the tests run. */
async function integrationGuestModule(): Promise<string> {
  const packageDir = await locatePackage('@tsvisor/integration', fileURLToPath(new URL('.', import.meta.url)));
  if (!packageDir) throw new Error('@tsvisor/integration is not installed');
  return resolvePackageEntry(packageDir, './guest', ['@tsvisor/source', ...DEFAULT_ENTRY_CONDITIONS]);
}

/**
 * Boots the example guest `program` (a file of this package's `src`) in a real partition with the
 * four integration services (heartbeat and time samples every 50 ms).
 */
export async function startIntegrationGuest(program: string): Promise<IntegrationGuestVm> {
  const vm = await startDevicePartition({
    program: fileURLToPath(new URL(`../${program}`, import.meta.url)),
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
  const kvp = new KvpManagementProvider().manage(kvpVsp).operations!;
  const signal = new AbortController().signal;
  return {
    vm,
    kvpVsp,
    heartbeat$: new HeartbeatManagementProvider().manage(heartbeatVsp).heartbeat$!,
    shutdown: new ShutdownManagementProvider().manage(shutdownVsp).shutdown!,
    invoke: (operation, input) => kvp[operation]!.invoke(kvp[operation]!.input.parse(input), signal),
  };
}

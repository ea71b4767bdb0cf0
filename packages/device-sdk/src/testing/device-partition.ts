import { GUEST_CONSOLE_CONNECTION_ID } from '../guest-console-port.js';
import { Hypervisor, type Partition } from '@tsvisor/hypervisor-core';
import { HostVmbus } from '@tsvisor/vmbus';
import { decodeUtf8, type Guid } from '@tsvisor/wire';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceClassRegistry } from '../host/composition/device-class-registry.js';
import { writeGuestImageEntry } from '../host/composition/guest-image-entry.js';
import type { Vsp, VspFactory } from '../host/vsp.js';

/** The host and guest halves of the plugins a {@link startDevicePartition} VM is built from. */
export interface PluginUnderTest {
  /** The VSP factories of its device classes. */
  readonly factories: readonly VspFactory[];
  /** Path of its guest module: an ES module whose default export is an Inversify ContainerModule. */
  readonly guestModule: string;
}

/** Options of {@link startDevicePartition}. */
export interface DevicePartitionOptions {
  /** Path of the guest program: an ES module whose default export is `async (machine) => …`. */
  readonly program: string;
  readonly plugins: readonly PluginUnderTest[];
  /** The VM's devices, as in a VM configuration. */
  readonly devices: readonly { readonly class: string; readonly config?: unknown; readonly instanceId?: Guid }[];
  /** Default 8 MiB. */
  readonly memoryBytes?: number;
  readonly name?: string;
  /** Path of the guest kernel's entry; default `@tsvisor/guest` as found from this package. */
  readonly kernelEntry?: string;
}

/** A running VM built by {@link startDevicePartition}. */
export interface DevicePartition {
  readonly partition: Partition;
  readonly vmbus: HostVmbus;
  /** The VSPs, in the order of `devices`. */
  readonly vsps: readonly Vsp[];
  /** Console text the guest wrote so far. */
  console(): string;
  /** Resolves when the console has shown `text` (rejects after `timeoutMs`, default 10 s). */
  waitForConsole(text: string, timeoutMs?: number): Promise<void>;
  /** Stops the VSPs and the partition, and cleans up. */
  stop(): Promise<void>;
}

/**
 * The SDK's second test rig (DESIGN §5): boots a real partition whose guest image is the guest
 * kernel (`@tsvisor/guest`), the plugins' guest modules and `program`, with the plugins' VSPs
 * serving the listed devices over VMBus and the guest's console captured. Device authors use it
 * for end-to-end tests of their classes.
 */
export async function startDevicePartition(options: DevicePartitionOptions): Promise<DevicePartition> {
  const dir = await mkdtemp(join(tmpdir(), 'tsvisor-guest-image-'));
  const entry = await writeGuestImageEntry(dir, {
    program: options.program,
    guestModules: options.plugins.map((plugin) => plugin.guestModule),
    ...(options.kernelEntry === undefined ? {} : { kernelEntry: options.kernelEntry }),
  });
  const hypervisor = new Hypervisor();
  const partition = hypervisor.createPartition({ name: options.name ?? 'device-test', memoryBytes: options.memoryBytes ?? 8 * 1024 * 1024, guest: { entry } });
  const vmbus = new HostVmbus(partition);
  let console = '';
  const listeners = new Set<() => void>();
  partition.openMessagePort(GUEST_CONSOLE_CONNECTION_ID, (_type, payload, size) => {
    console += decodeUtf8(payload.slice(0, size));
    for (const listener of listeners) listener();
  });
  const registry = new DeviceClassRegistry(options.plugins.flatMap((p) => p.factories));
  const vsps = options.devices.map((device, i) =>
    registry.createVsp(
      { class: device.class, config: device.config ?? {}, instanceId: device.instanceId ?? `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}` },
      { name: partition.name, vmbus },
      `devices[${i}]`,
    ),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(vsps.map((vsp) => vsp.stop()));
    vmbus.close();
    if (partition.state === 'running' || partition.state === 'paused' || partition.state === 'starting') await partition.stop();
    await hypervisor.destroyPartition(partition);
    await hypervisor.shutdown();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const vsp of vsps) await vsp.start();
    await partition.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    partition,
    vmbus,
    vsps,
    console: () => console,
    waitForConsole: (text, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!console.includes(text)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`the guest console did not show ${JSON.stringify(text)} within ${timeoutMs} ms; it shows:\n${console}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    stop,
  };
}

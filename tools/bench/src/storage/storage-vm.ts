import { DEFAULT_ENTRY_CONDITIONS, locatePackage, resolvePackageEntry } from '@tsvisor/device-sdk/host';
import { startDevicePartition } from '@tsvisor/device-sdk/testing';
import type { StorageDiskConfig } from '@tsvisor/storage';
import type { StorageVspFactory } from '@tsvisor/storage/host';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DONE_LINE, RESULT_PREFIX, type StorageWorkload } from '../guests/storage/storage-workload.js';

/** A VM of the storage suite: one SCSI controller with `disks`, running `workloads` in its guest. */
export interface StorageVmRun {
  /** Where the generated guest program goes. */
  readonly dir: string;
  readonly name: string;
  readonly factory: StorageVspFactory;
  readonly disks: readonly StorageDiskConfig[];
  /** Poll mode on both ends of the controller's channel. */
  readonly poll: boolean;
  readonly workloads: readonly StorageWorkload[];
}

const WORKLOAD_MODULE = fileURLToPath(new URL('../guests/storage/storage-workload.ts', import.meta.url));
const POLL_DRIVER_MODULE = fileURLToPath(new URL('../guests/storage/storage-poll-driver.ts', import.meta.url));

/** The storage package's guest module (its TypeScript source in this workspace). */
async function storageGuestModule(): Promise<string> {
  const packageDir = await locatePackage('@tsvisor/storage', fileURLToPath(new URL('.', import.meta.url)));
  if (!packageDir) throw new Error('@tsvisor/storage is not installed');
  return resolvePackageEntry(packageDir, './guest', ['@tsvisor/source', ...DEFAULT_ENTRY_CONDITIONS]);
}

/**
 * Boots the VM, waits until its guest has run every workload and returns what each window
 * measured, by workload label: operations per second as the guest counted them.
 */
export async function runStorageVm(run: StorageVmRun): Promise<Map<string, number[]>> {
  const program = join(run.dir, `${run.name}-program.ts`);
  await writeFile(
    program,
    [
      `import { runStorageWorkloads } from ${JSON.stringify(WORKLOAD_MODULE)};`,
      `export default (machine) => runStorageWorkloads(machine, ${JSON.stringify(run.workloads)});`,
      '',
    ].join('\n'),
  );
  const vm = await startDevicePartition({
    name: run.name,
    program,
    plugins: [{ factories: [run.factory], guestModule: run.poll ? POLL_DRIVER_MODULE : await storageGuestModule() }],
    devices: [{ class: 'storage.scsi', config: { disks: run.disks, ...(run.poll ? { poll: true } : {}) } }],
  });
  try {
    const budgetMs = run.workloads.reduce((sum, w) => sum + (w.windows + 1) * w.windowMs, 0) + 60_000;
    await vm.waitForConsole(DONE_LINE, budgetMs);
  } finally {
    await vm.stop();
  }
  const rates = new Map<string, number[]>();
  for (const match of vm.console().matchAll(new RegExp(`^${RESULT_PREFIX} (\\S+) (\\d+) (\\d+)$`, 'gm'))) {
    const [, label, operations, ms] = match;
    const list = rates.get(label!) ?? [];
    list.push((Number(operations) * 1000) / Number(ms));
    rates.set(label!, list);
  }
  return rates;
}

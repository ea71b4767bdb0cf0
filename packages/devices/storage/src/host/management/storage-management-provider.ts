import { schema } from '@tsvisor/device-sdk';
import type { DeviceManagement, DeviceOperation, ManagementProvider } from '@tsvisor/device-sdk/host';
import { STORAGE_MAX_LUN, storageDiskConfigSchema, storageScsiClass, type StorageDiskConfig } from '../../storage-class.js';
import type { StorageVsp } from '../storvsp/storage-vsp.js';

const lunInput = schema.object({ lun: schema.integer({ min: 0, max: STORAGE_MAX_LUN, description: 'The LUN of the disk' }) });

/**
 * Management of a synthetic SCSI controller (`storage.scsi`): counters — the storvsp's own
 * (requests, bytes, failures, the latency histogram) plus `iops` and `bytesPerSecond` over the
 * interval since the previous reading — and the operations `disk.list`, `disk.add` (hot-add at a
 * free LUN; the image must be a file the VM's worker may open: one its configuration names, or
 * in its resource directory) and `disk.remove` (hot-remove; the image is closed once its requests
 * are done).
 */
export class StorageManagementProvider implements ManagementProvider<StorageVsp> {
  readonly classId = storageScsiClass.id;

  manage(vsp: StorageVsp): DeviceManagement {
    let previous = { at: performance.now(), requests: vsp.counts.requests, bytes: vsp.counts.bytesRead + vsp.counts.bytesWritten };
    const list: DeviceOperation<Record<string, never>> = {
      description: 'The disks attached to the controller now',
      input: schema.object({}),
      invoke: async () => ({ disks: vsp.disks() }),
    };
    const add: DeviceOperation<StorageDiskConfig> = {
      description: 'Attach a disk image at a free LUN while the VM runs (the guest rescans its bus)',
      input: storageDiskConfigSchema,
      invoke: async (disk) => {
        await vsp.addDisk(disk);
        return { disks: vsp.disks() };
      },
    };
    const remove: DeviceOperation<{ lun: number }> = {
      description: 'Detach the disk at a LUN while the VM runs (the guest rescans its bus)',
      input: lunInput,
      invoke: async ({ lun }) => ({ removed: await vsp.removeDisk(lun) }),
    };
    return {
      counters: () => {
        const now = performance.now();
        const counters = vsp.counters();
        const bytes = vsp.counts.bytesRead + vsp.counts.bytesWritten;
        const seconds = (now - previous.at) / 1000;
        const rates = seconds > 0 ? { iops: Math.round((vsp.counts.requests - previous.requests) / seconds), bytesPerSecond: Math.round((bytes - previous.bytes) / seconds) } : { iops: 0, bytesPerSecond: 0 };
        previous = { at: now, requests: vsp.counts.requests, bytes };
        return { ...counters, ...rates };
      },
      operations: { 'disk.list': list as DeviceOperation, 'disk.add': add as DeviceOperation, 'disk.remove': remove as DeviceOperation },
    };
  }
}

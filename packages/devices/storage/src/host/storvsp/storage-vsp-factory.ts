import type { DeviceFileAccess, VspContext, VspFactory } from '@tsvisor/device-sdk/host';
import { inject, injectable } from 'inversify';
import { storageScsiClass, type StorageConfig } from '../../storage-class.js';
import { DiskFormatRegistry } from '../disk/disk-format-registry.js';
import { StorageVsp } from './storage-vsp.js';

/**
 * Makes the {@link StorageVsp} of each `storage.scsi` controller, opening disk images with the
 * host's {@link DiskFormatRegistry}.
 */
@injectable()
export class StorageVspFactory implements VspFactory<StorageConfig> {
  readonly deviceClass = storageScsiClass;

  constructor(@inject(DiskFormatRegistry) private readonly formats: DiskFormatRegistry) {}

  create(context: VspContext<StorageConfig>): StorageVsp {
    return new StorageVsp(context, this.formats);
  }

  /**
   * Every image is read, and written unless read-only; the parents of differencing images are read
   * too (found by opening each image read-only). An image that does not open read-only now (a
   * VHDX with a log to replay) is listed alone: the worker opens it and reports what it finds.
   */
  async fileAccess(config: StorageConfig): Promise<DeviceFileAccess> {
    const parents = await Promise.all(config.disks.map((disk) => this.backingFilesOf(disk.path, disk.format)));
    return {
      read: config.disks.flatMap((disk, i) => [disk.path, ...parents[i]!]),
      write: config.disks.filter((disk) => disk.readOnly !== true).map((disk) => disk.path),
    };
  }

  private async backingFilesOf(path: string, format: string | undefined): Promise<readonly string[]> {
    try {
      const disk = format === undefined ? await this.formats.open(path, { readOnly: true }) : await this.formats.byName(format).open(path, { readOnly: true });
      const files = disk.backingFiles ?? [];
      await disk.close();
      return files;
    } catch {
      return [];
    }
  }
}

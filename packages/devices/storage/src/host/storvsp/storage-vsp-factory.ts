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
   * Every image is read, and written unless read-only. The parents of differencing images are
   * not listed: they are known only once the child is opened (see the package README).
   */
  fileAccess(config: StorageConfig): DeviceFileAccess {
    return {
      read: config.disks.map((disk) => disk.path),
      write: config.disks.filter((disk) => disk.readOnly !== true).map((disk) => disk.path),
    };
  }
}

import { DeviceConfigError, schema, type ConfigOf, type ConfigSchema, type DeviceClass } from '@tsvisor/device-sdk';
import { VSTOR_PACKET_SIZE } from './protocol/index.js';

/** The VMBus interface type of a synthetic SCSI controller (PROTOCOLS.md §3). */
export const STORAGE_SCSI_INTERFACE_TYPE = 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f';

/** LUNs a configuration may use: 0–63, as Hyper-V's synthetic SCSI controller does. */
export const STORAGE_MAX_LUN = 63;

/** One disk of the controller: an image file at a LUN. */
export const storageDiskConfigSchema = schema.object({
  lun: schema.integer({ min: 0, max: STORAGE_MAX_LUN, description: 'The logical unit number the guest sees the disk at.' }),
  path: schema.string({ minLength: 2, pattern: '^/', description: 'Absolute path of the disk image on the host.' }),
  readOnly: schema.optional(schema.boolean({ description: 'Present the disk write-protected (default false).' })),
  format: schema.optional(schema.string({ enum: ['raw', 'vhd', 'vhdx'], description: 'Image format (default: detected from the file).' })),
});

/** The configuration of one disk of a storage controller. */
export type StorageDiskConfig = ConfigOf<typeof storageDiskConfigSchema>;

const controllerConfig = schema.object({
  disks: schema.array(storageDiskConfigSchema, { maxItems: STORAGE_MAX_LUN + 1, default: [], description: 'The disks, one per LUN.' }),
  subChannels: schema.integer({ min: 0, max: 64, default: 4, description: 'Sub-channels (I/O queues besides the primary) the guest may open.' }),
  maxTransferBytes: schema.byteSize({ min: '4K', max: '8M', default: '512K', description: 'Largest transfer of one request.' }),
  poll: schema.optional(schema.boolean({ description: 'Poll mode on the host end of the channels: spin briefly for requests before sleeping (lower latency, costs CPU while I/O flows; default false).' })),
});

/** The configuration of a `storage.scsi` controller. */
export type StorageConfig = ConfigOf<typeof controllerConfig>;

/** The controller's schema, with LUNs unique across `disks` (the error names the second one). */
const storageConfig: ConfigSchema<StorageConfig> = {
  parse(value, path = '') {
    const config = controllerConfig.parse(value, path);
    const seen = new Set<number>();
    config.disks.forEach((disk, index) => {
      if (seen.has(disk.lun)) throw new DeviceConfigError(`${path ? `${path}.` : ''}disks[${index}].lun`, `LUN ${disk.lun} is used by another disk`);
      seen.add(disk.lun);
    });
    if (config.maxTransferBytes % 4096 !== 0) {
      throw new DeviceConfigError(`${path ? `${path}.` : ''}maxTransferBytes`, `must be a multiple of 4K, got ${config.maxTransferBytes}`);
    }
    return config;
  },
  jsonSchema: () => controllerConfig.jsonSchema(),
};

/**
 * The synthetic SCSI controller (`storage.scsi`): disk images on the host presented to the guest
 * as SCSI logical units over VMBus (storvsp ↔ storvsc). Rings of 128 KiB each way; a completion
 * is one vstor packet.
 */
export const storageScsiClass: DeviceClass<StorageConfig> = {
  id: 'storage.scsi',
  interfaceType: STORAGE_SCSI_INTERFACE_TYPE,
  displayName: 'SCSI controller',
  config: storageConfig,
  // 32 pages (control page included): 128 KiB of ring per direction.
  channel: { ringPages: 32, maxCompletionSize: VSTOR_PACKET_SIZE },
};

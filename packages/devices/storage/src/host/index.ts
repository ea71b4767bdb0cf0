/**
 * `@tsvisor/storage/host`: the host side of storage — the storage VSP (storvsp) and its SCSI
 * target, virtual disks (the {@link VirtualDisk} and {@link DiskFormat} contracts; raw, VHD and
 * VHDX), the image management service and the controller's management provider.
 * @packageDocumentation
 */
import { ImageManagementContribution, ManagementProviderContribution, VspFactoryContribution } from '@tsvisor/device-sdk/host';
import { ContainerModule } from 'inversify';
import { DiskFormatContribution, DiskFormatRegistry } from './disk/disk-format-registry.js';
import { RawDiskFormat } from './disk/raw/raw-disk-format.js';
import { VhdDiskFormat } from './disk/vhd/vhd-disk-format.js';
import { VhdxDiskFormat } from './disk/vhdx/vhdx-disk-format.js';
import { DiskImageService } from './images/disk-image-service.js';
import { StorageVspFactory } from './storvsp/storage-vsp-factory.js';
import { StorageManagementProvider } from './management/storage-management-provider.js';

/**
 * The host module of `@tsvisor/storage`: contributes the raw, VHD and VHDX formats to
 * {@link DiskFormatContribution}, binds the {@link DiskFormatRegistry} over every contributed
 * format (a plugin may add its own), the `storage.scsi` VSP factory, bound to itself so that a
 * host build can rebind it, and the host's image management service over the registry.
 */
export default new ContainerModule(({ bind }) => {
  bind(DiskFormatContribution).toConstantValue(new VhdxDiskFormat());
  bind(DiskFormatContribution).toConstantValue(new VhdDiskFormat());
  bind(DiskFormatContribution).toConstantValue(new RawDiskFormat());
  bind(DiskFormatRegistry)
    .toDynamicValue((context) => new DiskFormatRegistry(context.getAll(DiskFormatContribution)))
    .inSingletonScope();
  bind(StorageVspFactory).toSelf().inSingletonScope();
  bind(VspFactoryContribution).toService(StorageVspFactory);
  bind(StorageManagementProvider).toSelf().inSingletonScope();
  bind(ManagementProviderContribution).toService(StorageManagementProvider);
  bind(ImageManagementContribution).to(DiskImageService).inSingletonScope();
});

export type { VirtualDisk, DiskFormat, OpenDiskOptions, CreateDiskOptions } from './disk/virtual-disk.js';
export { checkDiskRange } from './disk/disk-range.js';
export { DiskReadOnlyError } from './disk/disk-read-only-error.js';
export { RawDisk } from './disk/raw/raw-disk.js';
export { RawDiskFormat } from './disk/raw/raw-disk-format.js';
export { VhdDiskFormat } from './disk/vhd/vhd-disk-format.js';
export { VhdFormatError } from './disk/vhd/vhd-format-error.js';
export { VhdUnsupportedError } from './disk/vhd/vhd-unsupported-error.js';
export { VhdxDiskFormat } from './disk/vhdx/vhdx-disk-format.js';
export { VhdxDisk } from './disk/vhdx/vhdx-disk.js';
export { VhdxFormatError } from './disk/vhdx/vhdx-format-error.js';
export { DiskFormatContribution, DiskFormatRegistry } from './disk/disk-format-registry.js';
export { DiskImageService } from './images/disk-image-service.js';
export { DiskImageExistsError } from './images/disk-image-exists-error.js';
export { ScsiTarget, type ScsiTargetOptions } from './scsi/scsi-target.js';
export { ScsiController, SCSI_MAX_LUNS } from './scsi/scsi-controller.js';
export { ScsiOutcome } from './scsi/scsi-outcome.js';
export type { ScsiRequest } from './scsi/scsi-request.js';
export { StorageVsp } from './storvsp/storage-vsp.js';
export { StorageVspFactory } from './storvsp/storage-vsp-factory.js';
export { StorvspChannel, STORVSP_MAX_IN_FLIGHT, type StorvspDevice } from './storvsp/storvsp-channel.js';
export { StorvspInitialization, StorvspPhase } from './storvsp/storvsp-initialization.js';
export type { StorvspCounters } from './storvsp/storvsp-counters.js';
export { StorageManagementProvider } from './management/storage-management-provider.js';

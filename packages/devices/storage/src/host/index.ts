/**
 * `@tsvisor/storage/host`: the host side of storage. So far: virtual disks — the
 * {@link VirtualDisk} and {@link DiskFormat} contracts and the image formats.
 * @packageDocumentation
 */
export type { VirtualDisk, DiskFormat, OpenDiskOptions, CreateDiskOptions } from './disk/virtual-disk.js';
export { checkDiskRange } from './disk/disk-range.js';
export { DiskReadOnlyError } from './disk/disk-read-only-error.js';
export { RawDisk } from './disk/raw/raw-disk.js';
export { RawDiskFormat } from './disk/raw/raw-disk-format.js';

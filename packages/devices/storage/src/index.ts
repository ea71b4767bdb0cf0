/**
 * `@tsvisor/storage`: storage for tsvisor — SCSI over VMBus (PROTOCOLS.md §3) onto raw, VHD and
 * VHDX disk images (§7). The host side is `@tsvisor/storage/host`.
 * @packageDocumentation
 */
export * from './protocol/index.js';
export { storageScsiClass, STORAGE_SCSI_INTERFACE_TYPE, STORAGE_MAX_LUN, type StorageConfig, type StorageDiskConfig } from './storage-class.js';

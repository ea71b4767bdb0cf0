/**
 * `@tsvisor/storage`: storage for tsvisor — SCSI over VMBus (PROTOCOLS.md §3) onto raw, VHD and
 * VHDX disk images (§7). The host side is `@tsvisor/storage/host`.
 * @packageDocumentation
 */
export {};

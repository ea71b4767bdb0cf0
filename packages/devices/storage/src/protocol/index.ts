/**
 * The wire protocol of storvsc/storvsp (PROTOCOLS.md §3) and the SCSI codes it carries: layouts,
 * constants and allocation-free checks, shared by the host's VSP and the guest's VSC. No I/O.
 * @packageDocumentation
 */
export * from './vstor-operation.js';
export * from './vstor-version.js';
export * from './vstor-channel-properties.js';
export * from './vmscsi-data-direction.js';
export * from './vmscsi-request.js';
export * from './vstor-packet.js';
export * from './srb-status.js';
export * from './srb-flags.js';
export * from './scsi-opcode.js';
export * from './scsi-page-code.js';
export * from './scsi-status.js';
export * from './sense-data.js';
export * from './vstor-srb-offsets.js';

/**
 * The wire formats of netvsc/netvsp (PROTOCOLS.md §4): NVSP messages, RNDIS messages and the
 * Ethernet constants they rely on. Layouts, codecs and allocation-free checks, shared by the
 * host's VSP, the guest's VSC and the switch. No I/O.
 * @packageDocumentation
 */
export * from './nvsp-message-type.js';
export * from './nvsp-version.js';
export * from './nvsp-buffer.js';
export * from './nvsp-message.js';
export * from './rndis-message-type.js';
export * from './rndis-oid.js';
export * from './rndis-header.js';
export * from './rndis-packet.js';
export * from './rndis-message.js';
export * from './ethernet.js';
export * from './mac-address.js';
export { AddressFormatError } from './address-format-error.js';

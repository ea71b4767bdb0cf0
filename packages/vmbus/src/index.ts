/**
 * `@tsvisor/vmbus`: VMBus for tsvisor. It will hold the ring buffers and channel management; for
 * now it holds their wire layouts (PROTOCOLS.md §1 and §2).
 * @packageDocumentation
 */
export * from './protocol/packet-descriptor.js';
export * from './protocol/ring-control.js';
export * from './protocol/channel-messages.js';
export { RingMemory } from './ring/ring-memory.js';
export { RingWriter } from './ring/ring-writer.js';
export { RingReader, type RingPacket } from './ring/ring-reader.js';

/**
 * `@tsvisor/vmbus/testing`: helpers for tests of VMBus and of device protocols riding on it.
 * @packageDocumentation
 */
export { createChannelPair, type ChannelPair, type ChannelPairOptions } from './channel-pair.js';
export { startVmbusPartition, type VmbusPartition, type VmbusPartitionOptions } from './vmbus-partition.js';

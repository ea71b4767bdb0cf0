/**
 * `@tsvisor/device-sdk/testing`: the test bed for device plugins.
 * @packageDocumentation
 */
export { connectDevice, DEFAULT_DRIVER_PAGES, DEFAULT_SUB_CHANNEL_RINGS, type DeviceTestBed, type DeviceTestBedOptions, type TestBedSubChannel } from './device-test-bed.js';
export { startDevicePartition, type DevicePartition, type DevicePartitionOptions, type PluginUnderTest } from './device-partition.js';

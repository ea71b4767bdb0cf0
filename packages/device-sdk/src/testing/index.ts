/**
 * `@tsvisor/device-sdk/testing`: the test bed for device plugins.
 * @packageDocumentation
 */
export { connectDevice, DEFAULT_DRIVER_PAGES, type DeviceTestBed, type DeviceTestBedOptions } from './device-test-bed.js';
export { startDevicePartition, type DevicePartition, type DevicePartitionOptions, type PluginUnderTest } from './device-partition.js';

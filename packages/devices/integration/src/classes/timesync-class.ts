import { schema, type ConfigOf, type DeviceClass } from '@tsvisor/device-sdk';
import { TIMESYNC_INTERFACE_ID } from '../protocol/timesync.js';

const timeSyncConfig = schema.object({
  intervalMs: schema.integer({ min: 10, max: 3_600_000, default: 5_000, description: 'Time between the host time samples sent to the guest, in milliseconds.' }),
});

/** Configuration of the time synchronisation service. */
export type TimeSyncConfig = ConfigOf<typeof timeSyncConfig>;

/** The time synchronisation integration service: the host sends its wall-clock time, the guest follows it. */
export const timeSyncClass: DeviceClass<TimeSyncConfig> = {
  id: 'integration.timesync',
  interfaceType: TIMESYNC_INTERFACE_ID,
  displayName: 'Time Synchronization',
  config: timeSyncConfig,
  channel: { pipeMode: 'message', ringPages: 4 },
};

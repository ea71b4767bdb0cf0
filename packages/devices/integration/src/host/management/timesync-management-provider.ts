import type { DeviceManagement, ManagementProvider } from '@tsvisor/device-sdk/host';
import { timeSyncClass } from '../../classes/timesync-class.js';
import type { TimeSyncCounters, TimeSyncVsp } from '../timesync-vsp.js';

/**
 * Management of `integration.timesync` devices: their counters, the time samples sent and
 * acknowledged beside every integration service's requests, rejections, timeouts and failed
 * negotiations. The service has nothing to operate: the host sends its clock by itself.
 */
export class TimeSyncManagementProvider implements ManagementProvider<TimeSyncVsp> {
  readonly classId = timeSyncClass.id;

  manage(vsp: TimeSyncVsp): DeviceManagement {
    return { counters: (): TimeSyncCounters => vsp.counters() };
  }
}

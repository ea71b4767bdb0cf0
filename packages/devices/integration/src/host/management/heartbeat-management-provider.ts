import type { DeviceManagement, GuestHeartbeat, ManagementProvider } from '@tsvisor/device-sdk/host';
import { map } from 'rxjs';
import { heartbeatClass } from '../../classes/heartbeat-class.js';
import type { HeartbeatStatus, HeartbeatVsp } from '../heartbeat-vsp.js';

/** The VSP's statuses as the VMMS's heartbeat: the same three Hyper-V states by name. */
const GUEST_HEARTBEAT: Readonly<Record<HeartbeatStatus, GuestHeartbeat>> = {
  'no-contact': 'no-contact',
  ok: 'ok',
  'lost-communication': 'lost-communication',
};

/**
 * Management of `integration.heartbeat` devices: their `heartbeat$` is the VSP's status
 * (`no-contact` until the guest first answers, `ok` while it answers, `lost-communication` once it
 * stops), current value first; it completes when the VSP stops. The VM's heartbeat is this device's.
 */
export class HeartbeatManagementProvider implements ManagementProvider<HeartbeatVsp> {
  readonly classId = heartbeatClass.id;

  manage(vsp: HeartbeatVsp): DeviceManagement {
    return { heartbeat$: vsp.status$.pipe(map((status) => GUEST_HEARTBEAT[status])) };
  }
}

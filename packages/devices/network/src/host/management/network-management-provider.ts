import { schema } from '@tsvisor/device-sdk';
import type { DeviceManagement, DeviceOperation, ManagementProvider } from '@tsvisor/device-sdk/host';
import { networkSyntheticClass } from '../../network-class.js';
import type { NetworkVsp } from '../netvsp/network-vsp.js';

const linkInput = schema.object({ up: schema.boolean({ description: 'true to connect the cable, false to pull it' }) });

/**
 * Management of a synthetic network adapter (`network.synthetic`): counters — the netvsp's own
 * (frames and bytes each way, drops by reason, protocol errors) plus the switch port's, prefixed
 * `port.` — and the operations `adapter.settings` (switch, MAC, VLAN, MTU, link state) and
 * `adapter.setLink` (pull or connect the virtual cable; the guest sees media disconnect/connect).
 */
export class NetworkManagementProvider implements ManagementProvider<NetworkVsp> {
  readonly classId = networkSyntheticClass.id;

  manage(vsp: NetworkVsp): DeviceManagement {
    const state = () => ({ ...vsp.settings, linkUp: vsp.linkUp, guestReady: vsp.guestReady });
    const settings: DeviceOperation<Record<string, never>> = {
      description: "The adapter's switch, MAC address, VLAN, MTU and link state",
      input: schema.object({}),
      invoke: async () => state(),
    };
    const setLink: DeviceOperation<{ up: boolean }> = {
      description: 'Connect (up: true) or pull (up: false) the virtual cable; the guest is told',
      input: linkInput,
      invoke: async ({ up }) => {
        vsp.setLinkUp(up);
        return state();
      },
    };
    return {
      counters: () => {
        const port = vsp.portCounters;
        const prefixed: Record<string, number> = {};
        if (port) for (const [name, value] of Object.entries(port)) prefixed[`port.${name}`] = value;
        return { ...vsp.counters(), ...prefixed };
      },
      operations: { 'adapter.settings': settings as DeviceOperation, 'adapter.setLink': setLink as DeviceOperation },
    };
  }
}

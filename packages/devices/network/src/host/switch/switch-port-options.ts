import type { FrameReceiver } from './frame-receiver.js';
import type { MacAddress } from '../../protocol/mac-address.js';
import type { PortVlanConfig } from './port-vlan-config.js';

/** How to connect a port to a virtual switch. */
export interface SwitchPortOptions {
  /** For people and errors, e.g. the VM and adapter name. Default `port<n>`. */
  name?: string;
  /** The VM whose adapter the port connects, for management (none for the host's port or a test's). */
  vm?: string;
  /** Takes the frames that leave the switch through this port. */
  receiver: FrameReceiver;
  /** The adapter's own address. With `macAddressSpoofing` off, frames from any other source are dropped. */
  macAddress?: MacAddress;
  /** Hyper-V's "Enable MAC address spoofing": let the port send from any source address. Default false. */
  macAddressSpoofing?: boolean;
  /** 802.1Q settings. Default: access port on VLAN 1. */
  vlan?: PortVlanConfig;
}

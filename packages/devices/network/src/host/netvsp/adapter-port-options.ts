import type { NetworkAdapterConfig } from '../../network-class.js';
import type { SwitchPortOptions } from '../switch/switch-port-options.js';
import { adapterMacAddress } from './adapter-mac-address.js';

/**
 * The switch port of adapter `instanceId` of VM `vmName` with configuration `config`: named
 * `vm/instance`, bound to the adapter's MAC address (spoofing as configured) and VLAN settings.
 * The same in the worker process and in the host process that grants the port.
 */
export function adapterPortOptions(config: NetworkAdapterConfig, vmName: string, instanceId: string): Omit<SwitchPortOptions, 'receiver'> {
  return {
    name: `${vmName}/${instanceId}`,
    vm: vmName,
    macAddress: adapterMacAddress(config.macAddress, vmName, instanceId),
    macAddressSpoofing: config.macAddressSpoofing,
    ...(config.vlan !== undefined ? { vlan: config.vlan } : {}),
  };
}

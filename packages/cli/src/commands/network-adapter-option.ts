import { InvalidArgumentError } from 'commander';
import type { VmDeviceDefinition } from '../client/vm-definition.js';

/** The device class of a synthetic network adapter, connected to a virtual switch by name. */
export const NETWORK_ADAPTER_CLASS = 'network.synthetic';

const USAGE = 'expected SWITCH[,mac=00-15-5D-xx-xx-xx][,vlan=N], e.g. lan,mac=00-15-5D-01-02-03,vlan=10';
/** Six pairs of hex digits, all separated by `-` or all by `:`. */
const MAC_ADDRESS = /^[0-9A-Fa-f]{2}([-:])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/;
const MIN_VLAN = 1;
const MAX_VLAN = 4094;

/**
 * Reads one `--nic SWITCH[,mac=…][,vlan=N]` and adds it to the list: a `network.synthetic` adapter
 * on the virtual switch SWITCH, with a static MAC address (given with `-` or `:`, sent as Hyper-V
 * writes it, `00-15-5D-01-02-03`) and an access VLAN if asked.
 */
export function collectNetworkAdapter(spec: string, adapters: readonly VmDeviceDefinition[]): VmDeviceDefinition[] {
  const [switchName = '', ...settings] = spec.split(',');
  if (switchName === '' || switchName.includes('=')) throw new InvalidArgumentError(USAGE);
  const config: { switch: string; macAddress?: string; vlan?: { mode: 'access'; vlanId: number } } = { switch: switchName };
  for (const setting of settings) {
    const equals = setting.indexOf('=');
    const key = equals === -1 ? setting : setting.slice(0, equals);
    const value = equals === -1 ? '' : setting.slice(equals + 1);
    if (key === 'mac' && config.macAddress === undefined) {
      if (!MAC_ADDRESS.test(value)) throw new InvalidArgumentError(`mac=${value} is not a MAC address like 00-15-5D-01-02-03 or 00:15:5d:01:02:03`);
      config.macAddress = value.toUpperCase().replaceAll(':', '-');
    } else if (key === 'vlan' && config.vlan === undefined) {
      const vlanId = Number(value);
      if (!/^\d+$/.test(value) || vlanId < MIN_VLAN || vlanId > MAX_VLAN) throw new InvalidArgumentError(`vlan=${value} is not a VLAN id from ${MIN_VLAN} to ${MAX_VLAN}`);
      config.vlan = { mode: 'access', vlanId };
    } else {
      throw new InvalidArgumentError(`${key === 'mac' || key === 'vlan' ? `${key} is given twice` : `unknown setting "${key}"`}; ${USAGE}`);
    }
  }
  return [...adapters, { class: NETWORK_ADAPTER_CLASS, config }];
}

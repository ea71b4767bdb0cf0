import type { VmConfiguration } from '../inventory/vm-configuration.js';

/** The device class of a synthetic network adapter: its configuration names its switch in `switch`. */
const NETWORK_ADAPTER_CLASS = 'network.synthetic';

/** A virtual switch a VM's device is connected to. */
export interface SwitchReference {
  /** Where the configuration names it, e.g. `devices[2].config.switch`. */
  readonly field: string;
  /** The switch's name, as written. */
  readonly switchName: string;
}

/** The virtual switches the network adapters of `config` are connected to, in device order. */
export function switchReferencesOf(config: VmConfiguration): SwitchReference[] {
  return config.devices.flatMap((device, index) => {
    const name = device.config['switch'];
    return device.class === NETWORK_ADAPTER_CLASS && typeof name === 'string' ? [{ field: `devices[${index}].config.switch`, switchName: name }] : [];
  });
}

import { startDevicePartition, type DevicePartition } from '@tsvisor/device-sdk/testing';
import { LocalSwitchDirectory, NetworkVspFactory } from '@tsvisor/network/host';
import { packageGuestModule } from '../package-guest-module.js';

/** What the network suite's VMs share: a directory for generated programs, the switches and the NIC plugin. */
export interface NetworkBenchHost {
  /** Where generated guest programs go. */
  readonly dir: string;
  /** The switches of this process, which every VM's NIC finds by name. */
  readonly switches: LocalSwitchDirectory;
  readonly factory: NetworkVspFactory;
  /** `@tsvisor/network/guest`: the netvsc driver. */
  readonly guestModule: string;
}

/** One VM of the network suite: a synthetic NIC on a switch, and a guest program. */
export interface NicVm {
  readonly name: string;
  readonly program: string;
  readonly switchName: string;
  readonly macAddress: string;
  readonly mtu: number;
}

/** A {@link NetworkBenchHost} over a new switch directory. */
export async function createNetworkBenchHost(dir: string): Promise<NetworkBenchHost> {
  const switches = new LocalSwitchDirectory();
  return { dir, switches, factory: new NetworkVspFactory(switches), guestModule: await packageGuestModule('@tsvisor/network') };
}

/** Boots `vm` (its NIC attached to its switch before the guest starts). */
export function startNicVm(host: NetworkBenchHost, vm: NicVm): Promise<DevicePartition> {
  return startDevicePartition({
    name: vm.name,
    program: vm.program,
    plugins: [{ factories: [host.factory], guestModule: host.guestModule }],
    devices: [{ class: 'network.synthetic', config: { switch: vm.switchName, macAddress: vm.macAddress, mtu: vm.mtu } }],
  });
}

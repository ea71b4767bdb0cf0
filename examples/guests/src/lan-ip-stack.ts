import type { Machine } from '@tsvisor/guest';
import { formatIpv4, formatMac, IpStack, type Ipv4Address, type NetworkAdapter } from '@tsvisor/network/guest';
import { tickIpStack } from './ip-stack-clock.js';
import { LAN_NETMASK, lanAddress } from './lan-address.js';

/** An IP stack on the machine's synthetic NIC, its timers running, and how to stop it. */
export interface LanIpStack {
  readonly stack: IpStack;
  readonly address: Ipv4Address;
  /** Stops the timers and closes the stack. */
  close(): void;
}

/**
 * Brings up the example programs' IP stack on the machine's first synthetic NIC, at `10.0.0.NN`
 * for a MAC ending in NN, and says so on the console as `<program>: address (MAC, MTU)`;
 * undefined (after saying so) when the machine has no NIC.
 */
export function startLanIpStack(machine: Machine, program: string): LanIpStack | undefined {
  const adapter = machine.devices.first<NetworkAdapter>('network.synthetic');
  if (!adapter) {
    machine.console.log(`${program}: no network adapter`);
    return undefined;
  }
  const address = lanAddress(adapter.mac);
  const stack = new IpStack(adapter, { address, netmask: LAN_NETMASK, clock: () => machine.clock.now() });
  const stopTicking = tickIpStack(machine, stack);
  machine.console.log(`${program}: ${formatIpv4(address)} (${formatMac(adapter.mac)}, MTU ${adapter.mtu})`);
  return {
    stack,
    address,
    close: () => {
      stopTicking();
      stack.close();
    },
  };
}

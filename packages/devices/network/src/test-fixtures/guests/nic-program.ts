import type { NetworkAdapter } from '../../guest/netvsc/network-adapter.js';
import { IpStack } from '../../guest/ip/ip-stack.js';
import { ipv4Address } from '../../guest/ip/ipv4-address.js';
import { formatMac } from '../../protocol/mac-address.js';

/** The part of the guest kernel's Machine this program uses (device packages do not import the kernel). */
interface Machine {
  readonly devices: { first<Device>(classId: string): Device | undefined };
  readonly console: { log(...values: unknown[]): void };
}

/**
 * Test guest program: shows the NIC's MAC, MTU and link, pings 10.0.0.1 from 10.0.0.2, sends it a
 * UDP datagram on port 7 and shows the echo, then waits for the link to go down.
 */
export default async function program(machine: Machine): Promise<number> {
  const adapter = machine.devices.first<NetworkAdapter>('network.synthetic');
  if (!adapter) return 1;
  machine.console.log(`nic ${formatMac(adapter.mac)} mtu ${adapter.mtu} link ${adapter.linkUp ? 'up' : 'down'}`);
  const stack = new IpStack(adapter, { address: ipv4Address('10.0.0.2'), netmask: ipv4Address('255.255.255.0'), clock: () => 0 });
  await stack.ping(ipv4Address('10.0.0.1'), { timeoutMs: 1_000_000 });
  machine.console.log('ping ok');
  const socket = stack.bind(4000);
  await socket.send(ipv4Address('10.0.0.1'), 7, new Uint8Array([104, 101, 108, 108, 111]));
  const reply = await socket.nextMessage();
  machine.console.log(`udp echo ${String.fromCharCode(...reply.payload)} from port ${reply.port}`);
  await new Promise<void>((resolve) => adapter.link$.subscribe((up) => (up ? undefined : resolve())));
  machine.console.log('link down');
  return 0;
}

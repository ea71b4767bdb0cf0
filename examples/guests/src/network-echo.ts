import type { Machine } from '@tsvisor/guest';
import { formatIpv4 } from '@tsvisor/network/guest';
import { decodeUtf8 } from '@tsvisor/wire';
import { ECHO_PORT, GOODBYE } from './lan-address.js';
import { startLanIpStack } from './lan-ip-stack.js';

/**
 * Example guest program: brings up an IP stack on the VM's synthetic NIC (address `10.0.0.NN` for
 * a MAC ending in NN), answers pings, and echoes UDP datagrams on port 7 back to their sender
 * until one says `bye`; then exits 0.
 */
export default async function networkEcho(machine: Machine): Promise<number> {
  const lan = startLanIpStack(machine, 'network-echo');
  if (!lan) return 1;
  const { stack } = lan;
  const socket = stack.bind(ECHO_PORT);
  machine.console.log(`network-echo: echoing UDP port ${ECHO_PORT}`);
  try {
    for (;;) {
      const message = await socket.nextMessage();
      const text = decodeUtf8(message.payload);
      machine.console.log(`network-echo: ${formatIpv4(message.address)}:${message.port} says "${text}"`);
      await socket.send(message.address, message.port, message.payload);
      if (text === GOODBYE) break;
    }
  } finally {
    lan.close();
  }
  machine.console.log(`network-echo: done; ${stack.counters.icmp.sent} ICMP messages and ${stack.counters.udp.sent} datagrams sent`);
  return 0;
}

import type { Machine } from '@tsvisor/guest';
import { formatIpv4, IpStack, ipv4Address, type Ipv4Address, type NetworkAdapter } from '@tsvisor/network/guest';
import { benchNic } from './bench-nic.js';

/**
 * The exchange the network suite captures on a mirrored switch port: the initiator (10.0.0.2)
 * pings the responder (10.0.0.1), which means ARP first, then sends it a UDP datagram on the
 * echo port, which the responder sends back. Both run the guest IP stack on their synthetic NIC.
 */
export const EXCHANGE_PREFIX = 'ip-exchange';
/** The responder's line once its stack listens: the host mirrors its port and starts the initiator then. */
export const RESPONDER_READY_LINE = `${EXCHANGE_PREFIX} responder ready`;
/** The initiator's line once the echo came back. */
export const INITIATOR_DONE_LINE = `${EXCHANGE_PREFIX} initiator done`;
/** The MAC addresses of the two NICs of the exchange. */
export const RESPONDER_MAC = '00-15-5D-BE-01-01';
export const INITIATOR_MAC = '00-15-5D-BE-01-02';

const RESPONDER = ipv4Address('10.0.0.1');
const INITIATOR = ipv4Address('10.0.0.2');
const NETMASK = ipv4Address('255.255.255.0');
const ECHO_PORT = 7;
/** How often the stacks' timers (ARP retries, the ping's timeout) advance. */
const TICK_MS = 20;
const PING_TIMEOUT_MS = 5_000;
/** The datagram's payload, in ASCII (a guest realm has no TextEncoder). */
const GREETING = 'tsvisor network bench';

/** An IP stack on `adapter` at `address`, its timers advanced every {@link TICK_MS} until `close`. */
function tickingStack(machine: Machine, adapter: NetworkAdapter, address: Ipv4Address): { stack: IpStack; close(): void } {
  const stack = new IpStack(adapter, { address, netmask: NETMASK, clock: () => machine.clock.now() });
  let open = true;
  void (async () => {
    while (open) {
      stack.tick();
      await machine.clock.sleep(TICK_MS);
    }
  })();
  return {
    stack,
    close() {
      open = false;
      stack.close();
    },
  };
}

/** Responder: answers pings (the stack does) and echoes UDP datagrams on port 7 until the VM stops. */
export async function runIpResponder(machine: Machine): Promise<number> {
  const adapter = await benchNic(machine, EXCHANGE_PREFIX);
  if (!adapter) return 1;
  const { stack } = tickingStack(machine, adapter, RESPONDER);
  const socket = stack.bind(ECHO_PORT);
  machine.console.log(RESPONDER_READY_LINE);
  for (;;) {
    const message = await socket.nextMessage();
    await socket.send(message.address, message.port, message.payload);
    machine.console.log(`${EXCHANGE_PREFIX} echoed ${message.payload.length} bytes to ${formatIpv4(message.address)}:${message.port}`);
  }
}

/** Initiator: pings the responder, sends it a datagram on port 7 and waits for the echo. */
export async function runIpInitiator(machine: Machine): Promise<number> {
  const adapter = await benchNic(machine, EXCHANGE_PREFIX);
  if (!adapter) return 1;
  const { stack, close } = tickingStack(machine, adapter, INITIATOR);
  try {
    const roundTrip = await stack.ping(RESPONDER, { timeoutMs: PING_TIMEOUT_MS });
    machine.console.log(`${EXCHANGE_PREFIX} ping ${formatIpv4(RESPONDER)} ${roundTrip} ms`);
    const socket = stack.bind();
    await socket.send(RESPONDER, ECHO_PORT, Uint8Array.from(GREETING, (c) => c.charCodeAt(0)));
    const echo = await socket.nextMessage();
    machine.console.log(`${EXCHANGE_PREFIX} udp echo ${String.fromCharCode(...echo.payload)}`);
    machine.console.log(INITIATOR_DONE_LINE);
    return 0;
  } finally {
    close();
  }
}

import type { Machine } from '@tsvisor/guest';
import { formatIpv4, ipv4Address, type UdpMessage } from '@tsvisor/network/guest';
import { decodeUtf8, encodeUtf8 } from '@tsvisor/wire';
import { ECHO_PORT, GOODBYE } from './lan-address.js';
import { startLanIpStack } from './lan-ip-stack.js';

/** The echo service the probe talks to. */
const PEER = ipv4Address('10.0.0.2');
const PINGS = 3;
const MESSAGES = ['hello from the probe', 'a second datagram', GOODBYE];
/** How long an answer may take, in milliseconds. */
const ANSWER_MS = 5_000;

/**
 * Example guest program: brings up an IP stack on the VM's synthetic NIC (address `10.0.0.NN` for
 * a MAC ending in NN), pings the echo service at 10.0.0.2 three times, sends it three UDP
 * datagrams (the last one `bye`) and checks each echo. Exits 0 when everything came back.
 */
export default async function networkProbe(machine: Machine): Promise<number> {
  const lan = startLanIpStack(machine, 'network-probe');
  if (!lan) return 1;
  const { stack } = lan;
  try {
    for (let i = 1; i <= PINGS; i++) {
      const rtt = await stack.ping(PEER, { timeoutMs: ANSWER_MS });
      machine.console.log(`network-probe: ping ${formatIpv4(PEER)} #${i}: ${rtt} ms`);
    }
    const socket = stack.bind();
    for (const text of MESSAGES) {
      await socket.send(PEER, ECHO_PORT, encodeUtf8(text));
      const echo = await answerWithin(machine, socket.nextMessage(), ANSWER_MS);
      if (!echo || decodeUtf8(echo.payload) !== text) {
        machine.console.log(`network-probe: no echo of "${text}"`);
        return 2;
      }
      machine.console.log(`network-probe: UDP ${formatIpv4(echo.address)}:${echo.port} echoed "${text}"`);
    }
  } finally {
    lan.close();
  }
  machine.console.log(`network-probe: done: ${PINGS} pings and ${MESSAGES.length} datagrams answered`);
  return 0;
}

/** `answer`, or undefined if it takes longer than `ms`. */
function answerWithin(machine: Machine, answer: Promise<UdpMessage>, ms: number): Promise<UdpMessage | undefined> {
  return Promise.race([answer, machine.clock.sleep(ms).then(() => undefined)]);
}

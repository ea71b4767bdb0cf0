import type { DevicePartition } from '@tsvisor/device-sdk/testing';
import { ETHERNET_MTU } from '@tsvisor/network';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INITIATOR_DONE_LINE, INITIATOR_MAC, EXCHANGE_PREFIX, RESPONDER_MAC, RESPONDER_READY_LINE } from '../guests/network/ip-exchange.js';
import { writeGuestProgram } from '../guest-program-file.js';
import { startNicVm, type NetworkBenchHost } from './network-bench-host.js';

/** A pcap of the guests' ARP / ping / UDP exchange, as the switch mirrored the responder's port. */
export interface IpExchangeCapture {
  readonly file: string;
  readonly framesCaptured: number;
  /** The guests' `ip-exchange` console lines. */
  readonly lines: readonly string[];
}

const EXCHANGE_MODULE = fileURLToPath(new URL('../guests/network/ip-exchange.ts', import.meta.url));
const SWITCH_NAME = 'bench-exchange';
const TIMEOUT_MS = 60_000;

/**
 * Boots the responder on a switch of its own, mirrors its port (the switch's only one then) into
 * `file`, boots the initiator and waits for its echo; the capture is closed before it returns.
 */
export async function captureIpExchange(host: NetworkBenchHost, file: string): Promise<IpExchangeCapture> {
  const vswitch = host.switches.create({ name: SWITCH_NAME, kind: 'private' });
  const vm = async (role: string, exportName: string, macAddress: string) =>
    startNicVm(host, {
      name: `${SWITCH_NAME}-${role}`,
      program: await writeGuestProgram(join(host.dir, `${SWITCH_NAME}-${role}.ts`), EXCHANGE_MODULE, exportName),
      switchName: SWITCH_NAME,
      macAddress,
      mtu: ETHERNET_MTU,
    });
  const started: DevicePartition[] = [];
  try {
    const responder = await vm('responder', 'runIpResponder', RESPONDER_MAC);
    started.push(responder);
    await responder.waitForConsole(RESPONDER_READY_LINE, TIMEOUT_MS);
    const [port, ...others] = vswitch.connectedPorts;
    if (!port || others.length > 0) throw new Error(`the exchange switch has ${vswitch.connectedPorts.length} ports before the initiator boots, not 1`);
    const capture = vswitch.mirror(port, file);
    try {
      const initiator = await vm('initiator', 'runIpInitiator', INITIATOR_MAC);
      started.push(initiator);
      await initiator.waitForConsole(INITIATOR_DONE_LINE, TIMEOUT_MS);
      await responder.waitForConsole(`${EXCHANGE_PREFIX} echoed`, TIMEOUT_MS);
    } finally {
      vswitch.stopMirroring(port);
    }
    const lines = started.flatMap((vm) => vm.console().split('\n').filter((line) => line.startsWith(EXCHANGE_PREFIX)));
    return { file, framesCaptured: capture.counters.framesCaptured, lines };
  } finally {
    for (const vm of started.reverse()) await vm.stop();
    host.switches.delete(SWITCH_NAME);
  }
}

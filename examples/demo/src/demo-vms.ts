import { fileURLToPath } from 'node:url';

/** A VM of the demo: its name, a note on what it does, and the example guest program it runs. */
export interface DemoVm {
  readonly name: string;
  readonly notes: string;
  /** Absolute path of the guest program: VM configurations name programs by path. */
  readonly program: string;
}

/** The example guest program `name` of `@tsvisor/example-guests`, as an absolute path. */
function exampleGuest(name: string): string {
  return fileURLToPath(import.meta.resolve(`@tsvisor/example-guests/${name}`));
}

/** Guest memory of each demo VM. */
export const DEMO_VM_MEMORY = '16M';

/** The four integration services every demo VM has: heartbeats and host time samples four times a second. */
export const INTEGRATION_DEVICES = [
  { class: 'integration.heartbeat', config: { intervalMs: 250 } },
  { class: 'integration.shutdown' },
  { class: 'integration.timesync', config: { intervalMs: 250 } },
  { class: 'integration.kvp' },
] as const;

/** The VM the host talks to through KVP: it prints each value the host sets in its External pool. */
export const INTEGRATION_VM: DemoVm = {
  name: 'integration',
  notes: 'integration-services: prints what the host sets in its KVP External pool',
  program: exampleGuest('integration-services'),
};

/** The VM that works: it sieves primes at each host time sample and publishes how many it found. */
export const PRIMES_VM: DemoVm = {
  name: 'primes',
  notes: 'prime-service: sieves primes at each time sample, publishes primes.found in KVP',
  program: exampleGuest('prime-service'),
};

/** Both demo VMs. */
export const DEMO_VMS: readonly DemoVm[] = [INTEGRATION_VM, PRIMES_VM];

/** The private switch the network VMs share. */
export const DEMO_SWITCH = 'demo-lan';

/** A VM of the network step: a demo VM with the MAC address (and so the address) of its adapter. */
export interface NetworkDemoVm extends DemoVm {
  /** Its adapter's MAC address; the example programs take `10.0.0.NN` from its last octet. */
  readonly macAddress: string;
}

/** The echo service of the network step, at 10.0.0.2: answers pings, echoes UDP port 7 until `bye`. */
export const ECHO_VM: NetworkDemoVm = {
  name: 'net-echo',
  notes: 'network-echo: 10.0.0.2 on demo-lan, answers pings and echoes UDP port 7',
  program: exampleGuest('network-echo'),
  macAddress: '00-15-5D-00-00-02',
};

/** The probe of the network step, at 10.0.0.1: pings the echo service and checks UDP echoes. */
export const PROBE_VM: NetworkDemoVm = {
  name: 'net-probe',
  notes: 'network-probe: 10.0.0.1 on demo-lan, pings 10.0.0.2 and checks UDP echoes',
  program: exampleGuest('network-probe'),
  macAddress: '00-15-5D-00-00-01',
};

/** The VM that shows storage: a SCSI controller with one VHDX disk, written and read back by its guest. */
export const DISK_VM: DemoVm = {
  name: 'disk',
  notes: 'block-device: writes sectors of its VHDX disk with many requests in flight and reads them back',
  program: exampleGuest('block-device'),
};

import type { KvpGetResult } from '@tsvisor/integration/host';
import { JobState, startVmmsDaemon, type Caller, type Job, type StateChangeOperation, type Vmms, type VmmsDaemon } from '@tsvisor/vmms';
import { Subscription, filter, share, shareReplay, type Observable } from 'rxjs';
import { consoleLines } from './console-lines.js';
import { DEMO_SWITCH, DEMO_VM_MEMORY, DEMO_VMS, DISK_VM, ECHO_VM, INTEGRATION_DEVICES, INTEGRATION_VM, PRIMES_VM, PROBE_VM } from './demo-vms.js';
import { join } from 'node:path';
import { JobFailedError } from './job-failed-error.js';
import { pollUntil } from './poll-until.js';
import type { TerminalScreen } from './terminal-screen.js';
import { UnhealthyVmError } from './unhealthy-vm-error.js';
import { vmTableFrames } from './vm-table-frames.js';
import { vmTableLines } from './vm-table.js';
import { withinDeadline } from './within-deadline.js';

/** Who the demo is to the VMMS. */
const CALLER: Caller = { name: 'demo', role: 'administrator' };

/** How long a job, or anything else the demo waits for, may take on a slow and busy machine, ms. */
const STEP_TIMEOUT_MS = 30_000;

/** How long the live VM table stays at least, ms: time to watch the load and the uptimes move. */
const LIVE_TABLE_MS = 4_000;

/** What the host writes in the External pool of the integration VM. */
const HOST_VALUE = { key: 'host.greeting', value: 'hello from the tsvisor demo' } as const;

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The daemon's data directory: the inventory, the VMs' resources, the API socket. */
  readonly dataDir: string;
  /** The host build whose dependencies are the device plugins: the demo's package. */
  readonly hostPackageDir: string;
  readonly screen: TerminalScreen;
}

/**
 * The demo: starts a VMMS daemon with the plugins of the host build, VM workers in-process;
 * defines and starts two VMs with the four integration services (one the `integration-services`
 * example guest, one the `prime-service`), shows them in a live table, sets a KVP value in one
 * and watches it print it, reads values back from both, shuts both down through their guests;
 * then makes a VHDX disk through the image service, runs a third VM that writes and reads it back,
 * checks the image; then creates a private switch and runs two VMs with a synthetic NIC on it that
 * ping each other and exchange UDP; and closes the daemon. Any step that fails or takes too long rejects with the reason.
 */
export async function runDemo({ dataDir, hostPackageDir, screen }: DemoOptions): Promise<void> {
  const daemon = await startVmmsDaemon({ dataDir, hostPackageDir, workerMode: 'in-process', sampleIntervalMs: 250, shutdownTimeoutMs: 15_000 });
  const demo = new Demo(daemon.vmms, screen, join(dataDir, 'disk.vhdx'));
  try {
    describeHost(daemon, screen);
    await demo.run();
  } finally {
    demo.dispose();
    await daemon.close();
  }
}

function describeHost({ composition, socketPath }: VmmsDaemon, screen: TerminalScreen): void {
  screen.print('tsvisor demo: a VMMS daemon (VM workers in-process) with the plugins of this host build:');
  for (const plugin of composition.manifests) screen.print(`  ${plugin.packageName} ${plugin.version}: ${plugin.deviceClasses.join(', ')}`);
  screen.print(`the management API listens on unix:${socketPath}`);
  screen.print(`  (from another terminal, meanwhile: TSVISOR_HOST=unix:${socketPath} npx tsvisor vm list)`);
  screen.print();
}

/** How long `job` ran, for people. */
function duration(job: Job): string {
  const ms = job.startedAt && job.finishedAt ? Date.parse(job.finishedAt) - Date.parse(job.startedAt) : 0;
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The steps of the demo against one VMMS, and the subscriptions to the VMs' consoles they share. */
class Demo {
  readonly #vmms: Vmms;
  readonly #screen: TerminalScreen;
  /** Each VM's console lines, by VM name: printed as they come, and watched by the steps. */
  readonly #consoles = new Map<string, Observable<string>>();
  readonly #subscriptions = new Subscription();

  /** Where the storage step makes its disk image. */
  readonly #diskImage: string;

  constructor(vmms: Vmms, screen: TerminalScreen, diskImage: string) {
    this.#vmms = vmms;
    this.#screen = screen;
    this.#diskImage = diskImage;
  }

  async run(): Promise<void> {
    await this.#defineVms();
    await this.#startVms();
    await this.#exchangeKvpValues();
    await this.#shutDownVms();
    await this.#useADisk();
    await this.#useANetwork();
  }

  /** Stops printing the consoles. */
  dispose(): void {
    this.#subscriptions.unsubscribe();
  }

  async #defineVms(): Promise<void> {
    this.#screen.print(`defining two VMs of ${DEMO_VM_MEMORY} with the ${INTEGRATION_DEVICES.length} integration services (heartbeat and time samples every 250 ms):`);
    for (const vm of DEMO_VMS) {
      await this.#vmms.define(CALLER, { name: vm.name, notes: vm.notes, memory: DEMO_VM_MEMORY, guest: { program: vm.program }, devices: INTEGRATION_DEVICES });
      const { text$ } = await this.#vmms.console(CALLER, vm.name);
      const lines$ = consoleLines(text$).pipe(share());
      this.#consoles.set(vm.name, lines$);
      this.#subscriptions.add(lines$.subscribe((line) => this.#screen.print(`  [${vm.name}] ${line}`)));
      this.#screen.print(`  ${vm.name}, running ${vm.notes}`);
    }
  }

  async #startVms(): Promise<void> {
    this.#screen.print('starting both (vm.run); the VMs, live:');
    const live = this.#screen.showLive(vmTableFrames(this.#vmms, CALLER));
    try {
      const shownSince = Date.now();
      await Promise.all(DEMO_VMS.map((vm) => this.#changeState(vm.name, 'vm.run')));
      await pollUntil(
        async () => {
          const vms = await this.#vmms.list(CALLER);
          const working = vms.every((vm) => vm.state === 'Running' && vm.heartbeat === 'OK') && vms.some((vm) => vm.name === PRIMES_VM.name && vm.processorLoad > 0);
          return working && Date.now() - shownSince >= LIVE_TABLE_MS ? true : undefined;
        },
        `both VMs Running with heartbeat OK, and ${PRIMES_VM.name} busy,`,
        STEP_TIMEOUT_MS,
      );
    } finally {
      live.unsubscribe();
    }
  }

  async #exchangeKvpValues(): Promise<void> {
    this.#screen.print();
    const integration = INTEGRATION_VM.name;
    // The KVP device answers once the guest's driver has opened its channel: ask until it does.
    const program = await pollUntil(() => this.#kvpGet(integration, 'guest.program'), `the KVP service of ${integration} answering`, STEP_TIMEOUT_MS);
    this.#screen.print(`host ← ${integration}: kvp.get GUEST ${program.key} = ${String(program.value)}`);

    const { key, value } = HOST_VALUE;
    this.#screen.print(`host → ${integration}: kvp.set EXTERNAL ${key} = "${value}"`);
    const printed = withinDeadline(this.#console(integration).pipe(filter((line) => line === `kvp: ${key} = ${value}`)), STEP_TIMEOUT_MS, `${integration} printing ${key}`);
    await Promise.all([printed, this.#kvp(integration, 'kvp.set', { pool: 'EXTERNAL', key, value })]);

    const primes = PRIMES_VM.name;
    const found = await pollUntil(
      async () => {
        const answer = await this.#kvpGet(primes, 'primes.found');
        return typeof answer?.value === 'number' && answer.value > 0 ? answer.value : undefined;
      },
      `${primes} publishing primes.found`,
      STEP_TIMEOUT_MS,
    );
    const largest = await this.#kvpGet(primes, 'primes.largest');
    this.#screen.print(`host ← ${primes}: kvp.get GUEST primes.found = ${found.toLocaleString('en-US')}, primes.largest = ${largest?.value?.toLocaleString('en-US') ?? 'none'}`);
  }

  async #shutDownVms(): Promise<void> {
    this.#screen.print();
    this.#screen.print('shutting both down through their guests (vm.shutdown)');
    const jobs = await Promise.all(DEMO_VMS.map(async (vm) => ({ vm, job: await this.#changeState(vm.name, 'vm.shutdown') })));
    for (const { vm, job } of jobs) this.#screen.print(`${vm.name}: ${job.operation} completed in ${duration(job)}`);
    const vms = await pollUntil(
      async () => {
        const all = await this.#vmms.list(CALLER);
        return all.every((vm) => vm.state === 'Off') ? all : undefined;
      },
      'both VMs Off',
      STEP_TIMEOUT_MS,
    );
    const unhealthy = vms.find((vm) => vm.health !== 'OK');
    if (unhealthy) throw new UnhealthyVmError(unhealthy);
    for (const line of vmTableLines(vms)) this.#screen.print(line);
  }

  /**
   * Storage: makes a dynamic VHDX through the image service, gives it to a third VM on a SCSI
   * controller, lets its guest write and read it back (it halts when done), and checks the image.
   */
  async #useADisk(): Promise<void> {
    this.#screen.print();
    const path = this.#diskImage;
    const { image } = await this.#vmms.createImage(CALLER, { path, format: 'vhdx', size: '64M' });
    this.#screen.print(`storage: created ${image.format} ${path} (${image.virtualSize / 1024 / 1024} MiB virtual, ${image.fileSize / 1024 / 1024} MiB on disk)`);
    const vm = DISK_VM;
    await this.#vmms.define(CALLER, { name: vm.name, notes: vm.notes, memory: DEMO_VM_MEMORY, guest: { program: vm.program }, devices: [{ class: 'storage.scsi', config: { disks: [{ lun: 0, path }] } }] });
    const { text$ } = await this.#vmms.console(CALLER, vm.name);
    const lines$ = consoleLines(text$).pipe(share());
    this.#subscriptions.add(lines$.subscribe((line) => this.#screen.print(`  [${vm.name}] ${line}`)));
    this.#screen.print(`  ${vm.name}, running ${vm.notes}`);
    const done = withinDeadline(lines$.pipe(filter((line) => line.includes('written and read back'))), STEP_TIMEOUT_MS, `${vm.name} using its disk`);
    await this.#changeState(vm.name, 'vm.run');
    await done;
    const halted = await pollUntil(async () => {
      const summary = await this.#vmms.get(CALLER, vm.name);
      return summary.state === 'Off' ? summary : undefined;
    }, `${vm.name} halting`, STEP_TIMEOUT_MS);
    if (halted.health !== 'OK') throw new UnhealthyVmError(halted);
    const [info, check] = await Promise.all([this.#vmms.imageInfo(CALLER, { path }), this.#vmms.checkImage(CALLER, { path })]);
    this.#screen.print(`storage: ${path} now ${info.fileSize / 1024 / 1024} MiB on disk; check ${check.ok ? 'ok' : `found ${check.problems.join('; ')}`}`);
    if (!check.ok) throw new Error(`the disk image ${path} does not check: ${check.problems.join('; ')}`);
  }

  /**
   * Network: a private switch through the VMMS, two VMs with a synthetic NIC on it, one the echo
   * service and one the probe, which pings it and exchanges UDP with it; both halt when done. Shows
   * the echo service's port on the switch, the switch's counters after the exchange, and deletes
   * the switch at the end.
   */
  async #useANetwork(): Promise<void> {
    this.#screen.print();
    await this.#vmms.createSwitch(CALLER, { name: DEMO_SWITCH, kind: 'private', notes: 'the demo network' });
    this.#screen.print(`network: created the private switch ${DEMO_SWITCH}`);
    const lines = new Map<string, Observable<string>>();
    for (const vm of [ECHO_VM, PROBE_VM]) {
      const adapter = { class: 'network.synthetic', config: { switch: DEMO_SWITCH, macAddress: vm.macAddress } };
      await this.#vmms.define(CALLER, { name: vm.name, notes: vm.notes, memory: DEMO_VM_MEMORY, guest: { program: vm.program }, devices: [adapter] });
      const { text$ } = await this.#vmms.console(CALLER, vm.name);
      const lines$ = consoleLines(text$).pipe(shareReplay({ bufferSize: 64, refCount: false }));
      lines.set(vm.name, lines$);
      this.#subscriptions.add(lines$.subscribe((line) => this.#screen.print(`  [${vm.name}] ${line}`)));
      this.#screen.print(`  ${vm.name} (${vm.macAddress}), running ${vm.notes}`);
    }
    const echoing = withinDeadline(lines.get(ECHO_VM.name)!.pipe(filter((line) => line.includes('echoing UDP'))), STEP_TIMEOUT_MS, `${ECHO_VM.name} listening`);
    await this.#changeState(ECHO_VM.name, 'vm.run');
    await echoing;
    for (const port of this.#vmms.getSwitch(CALLER, DEMO_SWITCH).ports) {
      this.#screen.print(`network: ${DEMO_SWITCH} port ${port.name}: VM ${port.vm ?? '-'}, MAC ${port.macAddress ?? '-'}, ${port.vlan?.mode === 'access' ? `access VLAN ${port.vlan.vlanId}` : 'trunk'}`);
    }
    const probed = withinDeadline(lines.get(PROBE_VM.name)!.pipe(filter((line) => line.startsWith('network-probe: done'))), STEP_TIMEOUT_MS, `${PROBE_VM.name} talking to ${ECHO_VM.name}`);
    await this.#changeState(PROBE_VM.name, 'vm.run');
    await probed;
    const lan = this.#vmms.getSwitch(CALLER, DEMO_SWITCH);
    this.#screen.print(`network: ${DEMO_SWITCH} forwarded ${lan.counters['framesForwarded'] ?? 0} frames (${lan.counters['flooded'] ?? 0} flooded, ${lan.counters['unicast'] ?? 0} unicast)`);
    for (const vm of [PROBE_VM, ECHO_VM]) {
      const halted = await pollUntil(async () => {
        const summary = await this.#vmms.get(CALLER, vm.name);
        return summary.state === 'Off' ? summary : undefined;
      }, `${vm.name} halting`, STEP_TIMEOUT_MS);
      if (halted.health !== 'OK') throw new UnhealthyVmError(halted);
    }
    await this.#vmms.deleteSwitch(CALLER, DEMO_SWITCH);
    this.#screen.print(`network: both VMs halted; deleted ${DEMO_SWITCH}`);
  }

  /** Requests `operation` of VM `name` and waits for its job to complete. */
  async #changeState(name: string, operation: StateChangeOperation): Promise<Job> {
    const { job } = await this.#vmms.requestStateChange(CALLER, name, operation);
    if (!job) throw new Error(`${operation} of VM ${name} started no job: the VM is already in that state`);
    const final = await withinDeadline(this.#vmms.waitForJob(CALLER, job.id), STEP_TIMEOUT_MS, `the ${operation} job of VM ${name}`);
    if (final.state !== JobState.Completed) throw new JobFailedError(name, final);
    return final;
  }

  #console(name: string): Observable<string> {
    const lines$ = this.#consoles.get(name);
    if (!lines$) throw new Error(`no console of VM ${name} is followed`);
    return lines$;
  }

  /** Runs the KVP operation `operation` on the KVP device of VM `name`. */
  async #kvp(name: string, operation: string, input: unknown): Promise<unknown> {
    const device = (await this.#vmms.devices(CALLER, name)).find((candidate) => candidate.class === 'integration.kvp');
    if (!device) throw new Error(`VM ${name} has no integration.kvp device`);
    return this.#vmms.invokeDeviceOperation(CALLER, name, device.instanceId, operation, input);
  }

  /** `key` of the Guest pool of VM `name`. */
  async #kvpGet(name: string, key: string): Promise<KvpGetResult> {
    return (await this.#kvp(name, 'kvp.get', { pool: 'GUEST', key })) as KvpGetResult;
  }
}

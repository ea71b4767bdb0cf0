import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Job, JsonObject } from '@tsvisor/vmms';
import { InterruptedError } from '../client/interrupted-error.js';
import type { ManagementClient } from '../client/management-client.js';
import type { RequestedStateName } from '../client/requested-state-name.js';
import type { VmDeviceDefinition } from '../client/vm-definition.js';
import { followJob } from '../jobs/follow-job.js';
import { formatVmDetails } from '../output/vm-details-text.js';
import { formatVmTable } from '../output/vm-table.js';
import type { CommandContext } from './command-context.js';
import { collectNetworkAdapter } from './network-adapter-option.js';

/** The device classes Hyper-V gives every new VM: the integration services. */
const INTEGRATION_SERVICE_CLASSES = ['integration.heartbeat', 'integration.shutdown', 'integration.timesync', 'integration.kvp'] as const;

/** The state changes of `vm <command> NAME`, each one `RequestStateChange`. */
const stateChanges: readonly { readonly command: string; readonly requestedState: RequestedStateName; readonly description: string }[] = [
  { command: 'start', requestedState: 'run', description: 'start a VM that is off' },
  { command: 'stop', requestedState: 'off', description: 'turn a VM off, hard: the guest is not asked' },
  { command: 'shutdown', requestedState: 'shutdown', description: 'shut a VM down through its guest (shutdown integration service)' },
  { command: 'pause', requestedState: 'pause', description: 'pause a running VM: processors stop, memory is kept' },
  { command: 'resume', requestedState: 'resume', description: 'resume a paused VM' },
  { command: 'reboot', requestedState: 'reboot', description: 'restart a VM, hard' },
  { command: 'reset', requestedState: 'reset', description: 'reset a VM, hard' },
];

interface WaitOptions {
  readonly json?: boolean;
  /** Commander's `--no-wait`: false when given. */
  readonly wait: boolean;
}

interface CreateOptions extends WaitOptions {
  readonly memory: string;
  readonly guest: string;
  readonly processors?: number;
  readonly haltPollUs?: number;
  readonly notes?: string;
  readonly device: readonly VmDeviceDefinition[];
  readonly disk: readonly DiskOption[];
  /** The `--nic` adapters, as devices. */
  readonly nic: readonly VmDeviceDefinition[];
  /** Commander's `--no-integration-services`: false when given. */
  readonly integrationServices: boolean;
}

/** Reads `--device CLASS` or `--device CLASS:JSON` (a JSON object: the class's configuration) and adds it to the list. */
function collectDevice(spec: string, devices: readonly VmDeviceDefinition[]): VmDeviceDefinition[] {
  const colon = spec.indexOf(':');
  const deviceClass = colon === -1 ? spec : spec.slice(0, colon);
  if (deviceClass === '') throw new InvalidArgumentError('expected CLASS or CLASS:JSON, e.g. storage.scsi:{"disks":[{"lun":0,"path":"/vm/disk.vhdx"}]}');
  if (colon === -1) return [...devices, { class: deviceClass, config: {} }];
  let config: unknown;
  try {
    config = JSON.parse(spec.slice(colon + 1));
  } catch {
    throw new InvalidArgumentError(`the configuration of ${deviceClass} is not valid JSON`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError(`the configuration of ${deviceClass} must be a JSON object`);
  }
  return [...devices, { class: deviceClass, config: config as JsonObject }];
}

/** One `--disk FILE[:ro]`: an image for the VM's SCSI controller. */
interface DiskOption {
  readonly path: string;
  readonly readOnly: boolean;
}

/** Reads `--disk FILE` or `--disk FILE:ro` and adds it to the list (the path is made absolute later). */
function collectDisk(spec: string, disks: readonly DiskOption[]): DiskOption[] {
  const readOnly = spec.endsWith(':ro');
  const path = readOnly ? spec.slice(0, -3) : spec;
  if (path === '') throw new InvalidArgumentError('expected FILE or FILE:ro, e.g. /vms/web/os.vhdx');
  return [...disks, { path, readOnly }];
}

function parseProcessors(text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1) throw new InvalidArgumentError('expected a whole number of processors, at least 1');
  return count;
}

function parseHaltPoll(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number of microseconds (0 turns halt polling off)');
  return Number(text);
}

/**
 * The devices of a new VM: those asked for; the `--nic` network adapters; a SCSI controller
 * (`storage.scsi`) holding the `--disk` images at LUNs 0, 1, …; then the integration services not
 * among them.
 */
function devicesOfNewVm(options: CreateOptions, cwd: string): VmDeviceDefinition[] {
  const disks = options.disk.map((disk, lun) => ({ lun, path: resolve(cwd, disk.path), ...(disk.readOnly ? { readOnly: true } : {}) }));
  const requested = [...options.device, ...options.nic];
  const devices = disks.length > 0 ? [...requested, { class: 'storage.scsi', config: { disks } }] : requested;
  if (!options.integrationServices) return devices;
  const asked = new Set(devices.map((device) => device.class));
  const integration = INTEGRATION_SERVICE_CLASSES.filter((name) => !asked.has(name)).map((name) => ({ class: name, config: {} }));
  return [...devices, ...integration];
}

/** `tsvisor vm …`: defining, listing, running and removing VMs. */
export function addVmCommands(program: Command, context: CommandContext): void {
  const vm = program
    .command('vm')
    .description('define, list, run and remove VMs');

  /** Waits for `job` unless `--no-wait`; the job as it ended (or as it was, not waiting). */
  const finish = (client: ManagementClient, job: Job, label: string, options: WaitOptions): Promise<Job> =>
    options.wait ? followJob(client, job, { progress: context.io.stderr, label, signal: context.io.interrupt }) : Promise.resolve(job);

  vm.command('create')
    .description('define a new VM; it gets the integration services (heartbeat, shutdown, time sync, KVP) unless told not to')
    .argument('<name>', 'the VM name: letters, digits, ".", "_", "-"')
    .requiredOption('--memory <size>', 'guest memory, e.g. 64M (1M to 1G, a multiple of 4K)')
    .requiredOption('--guest <file>', 'the guest program')
    .option('--processors <count>', 'virtual processors, 1 to 16 (default: 1)', parseProcessors)
    .option('--halt-poll-us <µs>', 'how long an idle virtual processor may poll for an interrupt before it sleeps, 0 to 100000 (0: off; default: 200)', parseHaltPoll)
    .option('--notes <text>', 'free text for operators')
    .option('--device <class[:json]>', 'add a device of this class, with its configuration as a JSON object (repeatable)', collectDevice, [])
    .option('--disk <file[:ro]>', 'attach a disk image (raw, VHD or VHDX) to a SCSI controller, read-only with ":ro" (repeatable; LUNs 0, 1, … in order)', collectDisk, [])
    .option('--nic <switch[,mac=…][,vlan=N]>', 'add a network adapter on this virtual switch, with a static MAC address (00-15-5D-01-02-03) and an access VLAN if given (repeatable)', collectNetworkAdapter, [])
    .option('--no-integration-services', 'do not add the integration services devices')
    .option('--json', 'print the API answer as JSON')
    .option('--no-wait', 'return once the job is started')
    .action(async (name: string, options: CreateOptions) => {
      const client = context.client();
      const created = await client.createVm({
        name,
        memory: options.memory,
        processors: options.processors,
        haltPollUs: options.haltPollUs,
        notes: options.notes,
        guest: { program: resolve(context.io.cwd, options.guest) },
        devices: devicesOfNewVm(options, context.io.cwd),
      });
      const job = await finish(client, created.job, `create ${name}`, options);
      if (options.json) context.printJson({ ...created, job });
      else context.print(`created VM ${created.vm.name} (${created.vm.id})`);
    });

  vm.command('list')
    .description('list the VMs: NAME STATE HEARTBEAT HEALTH CPU MEMORY UPTIME')
    .option('--json', 'print the VM summaries as JSON')
    .action(async (options: { json?: boolean }) => {
      const vms = await context.client().listVms();
      if (options.json) context.printJson(vms);
      else context.io.stdout.write(formatVmTable(vms));
    });

  vm.command('show')
    .description('show one VM: state, health, heartbeat, load, configuration and devices')
    .argument('<name>', 'the VM name or id')
    .option('--json', 'print the VM details as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const details = await context.client().getVm(name);
      if (options.json) context.printJson(details);
      else context.io.stdout.write(formatVmDetails(details));
    });

  for (const change of stateChanges) {
    vm.command(change.command)
      .description(change.description)
      .argument('<name>', 'the VM name or id')
      .option('--json', 'print the API answer as JSON, with the job as it ended')
      .option('--no-wait', 'return once the job is started')
      .action(async (name: string, options: WaitOptions) => {
        const client = context.client();
        const result = await client.requestStateChange(name, change.requestedState);
        const job = result.job === undefined ? undefined : await finish(client, result.job, `${change.command} ${name}`, options);
        if (options.json) {
          context.printJson(job === undefined ? result : { ...result, job });
          return;
        }
        if (!options.wait && job !== undefined) {
          context.print(`${name}: ${change.command} job ${job.id} started`);
          return;
        }
        const { state } = await client.getVm(name);
        context.print(job === undefined ? `${name}: ${state} (nothing to do)` : `${name}: ${state}`);
      });
  }

  vm.command('delete')
    .description('remove a VM that is off from the inventory')
    .argument('<name>', 'the VM name or id')
    .option('--json', 'print the API answer as JSON, with the job as it ended')
    .option('--no-wait', 'return once the job is started')
    .action(async (name: string, options: WaitOptions) => {
      const client = context.client();
      const deletion = await client.deleteVm(name);
      const job = await finish(client, deletion.job, `delete ${name}`, options);
      if (options.json) context.printJson({ ...deletion, job });
      else context.print(options.wait ? `deleted VM ${name}` : `${name}: delete job ${job.id} started`);
    });

  vm.command('console')
    .description("print what the VM's guest wrote to its console")
    .argument('<name>', 'the VM name or id')
    .option('-f, --follow', 'keep printing as the guest writes, until Ctrl-C')
    .action(async (name: string, options: { follow?: boolean }) => {
      const client = context.client();
      if (!options.follow) {
        context.io.stdout.write(await client.readConsole(name));
        return;
      }
      try {
        for await (const text of client.followConsole(name)) context.io.stdout.write(text);
      } catch (error) {
        // Ctrl-C is how one stops following: that is success.
        if (!(error instanceof InterruptedError)) throw error;
      }
    });

}

import type { Command } from 'commander';
import { followJob } from '../jobs/follow-job.js';
import { formatVirtualSwitchDetails } from '../output/virtual-switch-details-text.js';
import { formatVirtualSwitchTable } from '../output/virtual-switch-table.js';
import type { CommandContext } from './command-context.js';

interface CreateOptions {
  readonly type: string;
  readonly notes?: string;
  readonly json?: boolean;
}

/**
 * `tsvisor switch …`: the virtual switches of the daemon's host, through the VMMS's virtual switch
 * management (as Hyper-V's `New-VMSwitch`, `Get-VMSwitch`, `Remove-VMSwitch`). VMs connect to a
 * switch by name: `vm create --nic SWITCH`.
 */
export function addSwitchCommands(program: Command, context: CommandContext): void {
  const vswitch = program
    .command('switch')
    .description("create, list, show and delete the virtual switches of the daemon's host");

  vswitch
    .command('create')
    .description('create a virtual switch')
    .argument('<name>', 'the switch name: letters, digits, ".", "_", "-"')
    .option('--type <type>', 'private (VMs only) or internal (VMs and the host)', 'private')
    .option('--notes <text>', 'free text for operators')
    .option('--json', 'print the API answer as JSON')
    .action(async (name: string, options: CreateOptions) => {
      const client = context.client();
      const created = await client.createSwitch({ name, kind: options.type, ...(options.notes === undefined ? {} : { notes: options.notes }) });
      const job = await followJob(client, created.job, { progress: context.io.stderr, label: `create switch ${name}`, signal: context.io.interrupt });
      if (options.json) context.printJson({ ...created, job });
      else context.print(`created ${created.switch.kind} virtual switch ${created.switch.name}`);
    });

  vswitch
    .command('list')
    .description('list the virtual switches: NAME TYPE STATUS PORTS NOTES')
    .option('--json', 'print the switches as JSON')
    .action(async (options: { json?: boolean }) => {
      const switches = await context.client().listSwitches();
      if (options.json) context.printJson(switches);
      else context.io.stdout.write(formatVirtualSwitchTable(switches));
    });

  vswitch
    .command('show')
    .description('show one virtual switch: its settings, counters, and ports with their VM, MAC address, VLAN and counters')
    .argument('<name>', 'the switch name')
    .option('--json', 'print the switch as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const details = await context.client().getSwitch(name);
      if (options.json) context.printJson(details);
      else context.io.stdout.write(formatVirtualSwitchDetails(details));
    });

  vswitch
    .command('delete')
    .description('delete a virtual switch no VM port is attached to')
    .argument('<name>', 'the switch name')
    .option('--json', 'print the API answer as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const client = context.client();
      const deletion = await client.deleteSwitch(name);
      const job = await followJob(client, deletion.job, { progress: context.io.stderr, label: `delete switch ${name}`, signal: context.io.interrupt });
      if (options.json) context.printJson({ ...deletion, job });
      else context.print(`deleted virtual switch ${name}`);
    });
}

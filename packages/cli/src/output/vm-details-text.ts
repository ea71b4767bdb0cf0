import type { VmDetails } from '@tsvisor/vmms';
import { formatBytes } from './byte-size.js';
import { formatDuration } from './duration.js';
import { formatTable } from './table.js';

/** One VM as `vm show` prints it: its summary as aligned `Label: value` lines, then its devices as a table. */
export function formatVmDetails(vm: VmDetails): string {
  const fields: [string, string][] = [
    ['Name', vm.name],
    ['Id', vm.id],
    ['State', `${vm.state} (${vm.enabledState})`],
    ['Health', `${vm.health} (${vm.healthState})`],
    ['Heartbeat', `${vm.heartbeat} (${vm.heartbeatStatus})`],
    ['Uptime', formatDuration(vm.uptimeMs)],
    ['Processors', `${vm.processors} (load ${Math.round(vm.processorLoad)}%)`],
    ['Memory', `${formatBytes(vm.memory)} (in use ${formatBytes(vm.memoryUsage)})`],
    ['Halt polling', haltPolling(vm.configuration.haltPollUs)],
    ['Jobs running', String(vm.asynchronousTasks)],
    ['Guest program', vm.configuration.guest.program],
    ['Created', vm.createdAt],
  ];
  if (vm.notes !== undefined) fields.push(['Notes', vm.notes]);
  if (vm.failure !== undefined) fields.push(['Failure', vm.failure]);
  if (vm.workerPid !== undefined) fields.push(['Worker pid', String(vm.workerPid)]);
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  const summary = fields.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}\n`).join('');
  if (vm.configuration.devices.length === 0) return `${summary}\nDevices: none\n`;
  const devices = formatTable(
    [{ heading: 'CLASS' }, { heading: 'INSTANCE ID' }, { heading: 'CONFIG' }],
    vm.configuration.devices.map((device) => [device.class, device.instanceId, JSON.stringify(device.config)]),
  );
  const indented = devices.trimEnd().split('\n').map((line) => `  ${line}\n`).join('');
  return `${summary}\nDevices:\n${indented}`;
}

/** A VM's halt polling as `vm show` prints it. */
function haltPolling(haltPollUs: number | undefined): string {
  if (haltPollUs === undefined) return 'default';
  return haltPollUs === 0 ? 'off' : `up to ${haltPollUs} µs`;
}

import type { VmSummary } from '@tsvisor/vmms';
import { formatBytes } from './byte-size.js';
import { formatDuration } from './duration.js';
import { formatTable } from './table.js';

/**
 * VMs as `vm list` prints them, in the manner of Hyper-V's `Get-VM`:
 * NAME STATE HEARTBEAT HEALTH CPU MEMORY UPTIME. CPU is the processor load, MEMORY the memory in use.
 */
export function formatVmTable(vms: readonly VmSummary[]): string {
  return formatTable(
    [
      { heading: 'NAME' },
      { heading: 'STATE' },
      { heading: 'HEARTBEAT' },
      { heading: 'HEALTH' },
      { heading: 'CPU', align: 'right' },
      { heading: 'MEMORY', align: 'right' },
      { heading: 'UPTIME', align: 'right' },
    ],
    vms.map((vm) => [
      vm.name,
      vm.state,
      vm.heartbeat,
      vm.health,
      `${Math.round(vm.processorLoad)}%`,
      formatBytes(vm.memoryUsage),
      formatDuration(vm.uptimeMs),
    ]),
  );
}

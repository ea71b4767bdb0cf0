import type { VmSummary } from '@tsvisor/vmms';

/** One column of the table: its title, how a VM fills it, and which side it keeps to. */
interface VmTableColumn {
  readonly title: string;
  readonly cell: (vm: VmSummary) => string;
  readonly align: 'left' | 'right';
}

function memory(bytes: number): string {
  return bytes === 0 ? '-' : `${Math.round(bytes / 2 ** 20)} MiB`;
}

function uptime(ms: number): string {
  if (ms === 0) return '-';
  const seconds = ms / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.floor(seconds % 60)} s`;
}

const COLUMNS: readonly VmTableColumn[] = [
  { title: 'NAME', cell: (vm) => vm.name, align: 'left' },
  { title: 'STATE', cell: (vm) => vm.state, align: 'left' },
  { title: 'HEARTBEAT', cell: (vm) => vm.heartbeat, align: 'left' },
  { title: 'HEALTH', cell: (vm) => vm.health, align: 'left' },
  { title: 'CPU %', cell: (vm) => vm.processorLoad.toFixed(1), align: 'right' },
  { title: 'MEMORY', cell: (vm) => memory(vm.memoryUsage), align: 'right' },
  { title: 'UPTIME', cell: (vm) => uptime(vm.uptimeMs), align: 'right' },
];

/** The longest a state name gets ('ShuttingDown'): the STATE column keeps this width, so that the table does not jump as VMs change state. */
const STATE_WIDTH = 12;

/**
 * The VMs as a table of text lines, as `tsvisor vm list` prints them: a header, then one line per
 * VM with its state, heartbeat, health, processor load, memory in use and uptime.
 */
export function vmTableLines(vms: readonly VmSummary[]): string[] {
  const rows = vms.map((vm) => COLUMNS.map((column) => column.cell(vm)));
  const widths = COLUMNS.map((column, i) => Math.max(column.title.length, column.title === 'STATE' ? STATE_WIDTH : 0, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (COLUMNS[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map((column) => column.title)), ...rows.map(line)];
}

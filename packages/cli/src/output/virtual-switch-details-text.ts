import type { VirtualSwitchDetails, VirtualSwitchPortVlan } from '@tsvisor/vmms';
import { formatTable } from './table.js';

/** A port's VLAN: `10` for an access port, `trunk 10,20 native 1` for a trunk, `-` for none. */
function formatVlan(vlan: VirtualSwitchPortVlan | undefined): string {
  if (vlan === undefined) return '-';
  if (vlan.mode === 'access') return String(vlan.vlanId);
  return `trunk ${vlan.allowedVlans.join(',')}${vlan.nativeVlan === undefined ? '' : ` native ${vlan.nativeVlan}`}`;
}

/** Indents every line of `text` by two spaces. */
function indented(text: string): string {
  return text.trimEnd().split('\n').map((line) => `  ${line}\n`).join('');
}

/**
 * One virtual switch as `switch show` prints it: its definition as aligned `Label: value` lines,
 * its counters, then its ports as a table, PORT VM MAC VLAN and one column per port counter.
 */
export function formatVirtualSwitchDetails(vswitch: VirtualSwitchDetails): string {
  const fields: [string, string][] = [
    ['Name', vswitch.name],
    ['Type', vswitch.kind],
    ['Status', vswitch.up ? 'Up' : 'Down: it did not come up when the daemon started (GET /inventory/problems says why)'],
    ['Created', vswitch.createdAt],
  ];
  if (vswitch.maxPorts !== undefined) fields.push(['Max ports', String(vswitch.maxPorts)]);
  if (vswitch.macAgingSeconds !== undefined) fields.push(['MAC aging', `${vswitch.macAgingSeconds} s`]);
  if (vswitch.notes !== undefined) fields.push(['Notes', vswitch.notes]);
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  const summary = fields.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}\n`).join('');

  const counterNames = Object.keys(vswitch.counters);
  const counters =
    counterNames.length === 0
      ? '\nCounters: none\n'
      : `\nCounters:\n${indented(formatTable([{ heading: 'COUNTER' }, { heading: 'VALUE', align: 'right' }], counterNames.map((name) => [name, String(vswitch.counters[name])])))}`;

  if (vswitch.ports.length === 0) return `${summary}${counters}\nPorts: none\n`;
  const portCounters = [...new Set(vswitch.ports.flatMap((port) => Object.keys(port.counters)))];
  const ports = formatTable(
    [{ heading: 'PORT' }, { heading: 'VM' }, { heading: 'MAC' }, { heading: 'VLAN' }, ...portCounters.map((name) => ({ heading: name, align: 'right' as const }))],
    vswitch.ports.map((port) => [
      port.name,
      port.vm ?? '-',
      port.macAddress ?? '-',
      formatVlan(port.vlan),
      ...portCounters.map((name) => (port.counters[name] === undefined ? '-' : String(port.counters[name]))),
    ]),
  );
  return `${summary}${counters}\nPorts:\n${indented(ports)}`;
}

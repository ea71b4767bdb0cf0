import type { VirtualSwitchDetails } from '@tsvisor/vmms';
import { formatTable } from './table.js';

/**
 * Virtual switches as `switch list` prints them, in the manner of Hyper-V's `Get-VMSwitch`:
 * NAME TYPE STATUS PORTS NOTES. STATUS is `Up`, or `Down` for a switch that did not come up.
 */
export function formatVirtualSwitchTable(switches: readonly VirtualSwitchDetails[]): string {
  return formatTable(
    [{ heading: 'NAME' }, { heading: 'TYPE' }, { heading: 'STATUS' }, { heading: 'PORTS', align: 'right' }, { heading: 'NOTES' }],
    switches.map((vswitch) => [vswitch.name, vswitch.kind, vswitch.up ? 'Up' : 'Down', String(vswitch.ports.length), vswitch.notes ?? '']),
  );
}

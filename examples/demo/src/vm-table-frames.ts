import type { Caller, Vmms } from '@tsvisor/vmms';
import { exhaustMap, filter, map, merge, timer, type Observable } from 'rxjs';
import { vmTableLines } from './vm-table.js';

/** How often the VM table is drawn again, ms, besides at each change of a VM's state. */
const VM_TABLE_REFRESH_MS = 250;

/**
 * The VM table, drawn again every `refreshMs` (for the uptime, load and memory) and at once when
 * the VMMS reports a VM's state, health or heartbeat changed: each frame from `vmms.list`.
 */
export function vmTableFrames(vmms: Vmms, caller: Caller, refreshMs = VM_TABLE_REFRESH_MS): Observable<readonly string[]> {
  const stateChanges$ = vmms.events(caller).pipe(filter((event) => event.type === 'vm-state'));
  return merge(timer(0, refreshMs), stateChanges$).pipe(
    exhaustMap(() => vmms.list(caller)),
    map(vmTableLines),
  );
}

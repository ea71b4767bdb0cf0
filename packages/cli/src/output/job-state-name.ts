import { JobState } from '@tsvisor/vmms/state';

const names: ReadonlyMap<number, string> = new Map(Object.entries(JobState).map(([name, code]) => [code, name]));

/** A job state code by its name (`Running`, `Completed`, `Exception`), or the bare code if it is not one of PROTOCOLS.md §6. */
export function jobStateName(state: number): string {
  return names.get(state) ?? String(state);
}

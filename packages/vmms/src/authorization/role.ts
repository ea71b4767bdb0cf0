/**
 * Who a caller is to the VMMS (DESIGN.md §6). Each role may do what the one before it may, and more:
 * readers read; operators also change VM state and read consoles; administrators also define,
 * modify and destroy VMs and manage their devices.
 */
export const Role = {
  /** May only read: VMs, summaries, counters, events, jobs. */
  Reader: 'reader',
  /** A reader who may also change VM state (run, off, shut down, reboot, pause, resume), cancel jobs and read consoles. */
  Operator: 'operator',
  /** An operator who may also define, modify and destroy VMs and manage their devices. */
  Administrator: 'administrator',
} as const;

/** One of the {@link Role} names. */
export type Role = (typeof Role)[keyof typeof Role];

/** How far up the roles go: a role may do what any role of a lower rank may. */
export const roleRank: Readonly<Record<Role, number>> = Object.freeze({
  [Role.Reader]: 0,
  [Role.Operator]: 1,
  [Role.Administrator]: 2,
});

/** Whether `value` (e.g. a claim of a caller's token) names a {@link Role}, exactly (case and all). */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(roleRank, value);
}

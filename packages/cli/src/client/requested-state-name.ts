/**
 * What `POST /vms/{vm}/state` asks for, by name (PROTOCOLS.md §6 `RequestStateChange`):
 * `off` is a hard turn-off, `shutdown` asks the guest through the shutdown integration service,
 * `resume` runs a paused VM again.
 */
export type RequestedStateName = 'run' | 'off' | 'shutdown' | 'reboot' | 'reset' | 'pause' | 'resume';

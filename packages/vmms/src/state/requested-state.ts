/**
 * What a state change asks for: the `RequestedState` argument of Hyper-V's
 * `RequestStateChange` (PROTOCOLS.md §6). Resuming a paused VM is {@link RequestedState.Run}.
 */
export const RequestedState = {
  /** Run: start an Off VM, or resume a Paused one. */
  Run: 2,
  /** Turn off, hard: the guest is not asked. */
  Off: 3,
  /** Shut down, guest-assisted, through the shutdown integration service. */
  ShutDown: 4,
  /** Reboot: a hard restart (stop, then start). */
  Reboot: 10,
  /** Reset: a hard restart, like {@link RequestedState.Reboot}. */
  Reset: 11,
  /** Pause: stop the virtual processors, keep memory. */
  Pause: 32768,
  /** Save: write memory and device state to disk. Not supported by tsvisor. */
  Save: 32769,
} as const;

/** One of the {@link RequestedState} codes. */
export type RequestedState = (typeof RequestedState)[keyof typeof RequestedState];

const requestedStates: ReadonlySet<number> = new Set(Object.values(RequestedState));

/** Whether `value` (e.g. from a REST body) is a {@link RequestedState} code. */
export function isRequestedState(value: unknown): value is RequestedState {
  return typeof value === 'number' && requestedStates.has(value);
}

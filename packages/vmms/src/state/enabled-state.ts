/**
 * The state of a VM as the VMMS reports it: Hyper-V's `Msvm_ComputerSystem.EnabledState`
 * codes (PROTOCOLS.md §6). The stable states are Running, Off, Paused and Saved; the others are
 * transient, reported while a state-change job is under way.
 */
export const EnabledState = {
  /** Running (CIM "Enabled"). */
  Running: 2,
  /** Off (CIM "Disabled"). */
  Off: 3,
  /** Transient: a guest-assisted shutdown through the shutdown integration service is under way. */
  ShuttingDown: 4,
  /** Transient: the worker process is creating the partition and booting the guest. */
  Starting: 10,
  /** Paused: virtual processors stopped, memory kept. */
  Paused: 32768,
  /** Saved: memory and device state written to disk. tsvisor never produces it (no save). */
  Saved: 32769,
  /** Transient: Hyper-V's vendor "Starting" code; tsvisor reports {@link EnabledState.Starting} (10) instead. */
  StartingTransient: 32770,
  /** Transient: saving; tsvisor never produces it (no save). */
  Saving: 32773,
  /** Transient: a hard stop (turn off, or the first half of a reboot) is under way. */
  Stopping: 32774,
  /** Transient: pausing. */
  Pausing: 32776,
  /** Transient: resuming from Paused. */
  Resuming: 32777,
} as const;

/** One of the {@link EnabledState} codes. */
export type EnabledState = (typeof EnabledState)[keyof typeof EnabledState];

const stableStates: ReadonlySet<number> = new Set([
  EnabledState.Running,
  EnabledState.Off,
  EnabledState.Paused,
  EnabledState.Saved,
]);

/** Whether `state` is one a VM rests in (Running, Off, Paused, Saved) rather than passes through. */
export function isStableEnabledState(state: EnabledState): boolean {
  return stableStates.has(state);
}

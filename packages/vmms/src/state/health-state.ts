/** The health of a VM as the VMMS reports it, Hyper-V's `HealthState` codes (PROTOCOLS.md §6). */
export const HealthState = {
  /** OK. */
  Ok: 5,
  /** Major failure: the VM works, degraded (e.g. a device faulted). */
  MajorFailure: 20,
  /** Critical failure: the VM does not work (e.g. its worker process crashed). */
  CriticalFailure: 25,
} as const;

/** One of the {@link HealthState} codes. */
export type HealthState = (typeof HealthState)[keyof typeof HealthState];

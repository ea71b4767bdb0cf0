/** The state of a VMMS job, Hyper-V's `CIM_ConcreteJob.JobState` codes (PROTOCOLS.md §6). */
export const JobState = {
  /** New: created, its work not yet begun. */
  New: 2,
  /** Starting. */
  Starting: 3,
  /** Running: its work is under way. */
  Running: 4,
  /** Completed: its work succeeded. */
  Completed: 7,
  /** Terminated: cancelled, and its work stopped. */
  Terminated: 8,
  /** Killed: stopped without a chance to clean up. */
  Killed: 9,
  /** Exception: its work failed; see the job's error code and description. */
  Exception: 10,
} as const;

/** One of the {@link JobState} codes. */
export type JobState = (typeof JobState)[keyof typeof JobState];

const finishedStates: ReadonlySet<number> = new Set([
  JobState.Completed,
  JobState.Terminated,
  JobState.Killed,
  JobState.Exception,
]);

/** Whether a job in `state` is over (Completed, Terminated, Killed or Exception). */
export function isFinishedJobState(state: JobState): boolean {
  return finishedStates.has(state);
}

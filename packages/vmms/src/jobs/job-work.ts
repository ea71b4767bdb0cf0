/**
 * Reports how far a job's work has got, in percent (0 to 100). Calls after the job finished, with
 * a value below the last one, or that is not a finite number are ignored.
 */
export type ReportProgress = (percentComplete: number) => void;

/**
 * What a job does. It resolves when done, or rejects — with a `JobError` to choose the return
 * code. It should stop soon after `signal` aborts (the job is being cancelled) and then reject:
 * the job is Terminated once the work has settled, never before, so a VM is not handed to a
 * second state change while the first is still acting on it.
 */
export type JobWork = (progress: ReportProgress, signal: AbortSignal) => Promise<void>;

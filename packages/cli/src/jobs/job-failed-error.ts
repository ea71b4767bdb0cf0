import type { Job } from '@tsvisor/vmms';
import { JobState } from '@tsvisor/vmms/state';

/** A job the CLI waited for ended in Exception, Terminated or Killed rather than Completed. */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';

  constructor(
    /** The job as it ended. */
    readonly job: Job,
  ) {
    super(`${job.operation} job ${job.id} ${outcome(job)}`);
  }
}

function outcome(job: Job): string {
  if (job.state === JobState.Terminated) return 'was cancelled';
  if (job.state === JobState.Killed) return 'was killed';
  const code = job.errorCode === undefined ? '' : ` (return code ${job.errorCode})`;
  return `failed: ${job.errorDescription ?? 'no reason given'}${code}`;
}

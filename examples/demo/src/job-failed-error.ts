import { JobState, type Job } from '@tsvisor/vmms';

function stateName(state: JobState): string {
  return Object.entries(JobState).find(([, code]) => code === state)?.[0] ?? String(state);
}

/** A VMMS job the demo started ended other than Completed. */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';

  constructor(
    /** The VM it acted on, by name. */
    readonly vmName: string,
    /** The job, in its final state. */
    readonly job: Job,
  ) {
    super(`${job.operation} of VM ${vmName} ended in job state ${stateName(job.state)}${job.errorCode === undefined ? '' : ` (code ${job.errorCode})`}: ${job.errorDescription ?? 'no description'}`);
  }
}

import type { Job } from '@tsvisor/vmms';
import { jobStateName } from './job-state-name.js';
import { formatTable } from './table.js';

/** Jobs as `job list` prints them: ID OPERATION VM STATE DONE SUBMITTED ERROR (VM `-` for a job of the host). */
export function formatJobTable(jobs: readonly Job[]): string {
  return formatTable(
    [
      { heading: 'ID' },
      { heading: 'OPERATION' },
      { heading: 'VM' },
      { heading: 'STATE' },
      { heading: 'DONE', align: 'right' },
      { heading: 'SUBMITTED' },
      { heading: 'ERROR' },
    ],
    jobs.map((job) => [
      job.id,
      job.operation,
      job.vmId ?? '-',
      jobStateName(job.state),
      `${job.percentComplete}%`,
      job.submittedAt,
      job.errorDescription ?? '',
    ]),
  );
}

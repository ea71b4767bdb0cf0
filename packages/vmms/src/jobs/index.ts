export type { Job } from './job.js';
export type { JobWork, ReportProgress } from './job-work.js';
export { JobError, type ErrorReturnCode } from './job-error.js';
export { StateChangeInProgressError } from './state-change-in-progress-error.js';
export { JobManager, DEFAULT_JOB_HISTORY_LIMIT, type JobManagerOptions } from './job-manager.js';

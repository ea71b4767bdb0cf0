import { setTimeout as delay } from 'node:timers/promises';
import type { Job } from '@tsvisor/vmms';
import { isFinishedJobState, JobState } from '@tsvisor/vmms/state';
import type { TextOutput } from '../cli-io.js';
import { InterruptedError } from '../client/interrupted-error.js';
import { formatProgressBar } from '../output/progress-bar.js';
import type { ManagementClient } from '../client/management-client.js';
import { JobFailedError } from './job-failed-error.js';

/** How {@link followJob} waits and where it reports. */
export interface JobFollowing {
  /** Where progress goes (stderr, so that stdout stays clean for `--json`). */
  readonly progress: TextOutput;
  /** What the job does, as the progress line names it: `start web-01`. */
  readonly label: string;
  /** Stops the wait (the job goes on in the daemon). */
  readonly signal: AbortSignal;
  /** Time between two `GET /jobs/{id}`, ms; 200 unless given. */
  readonly pollIntervalMs?: number;
  /** On a terminal, draw a progress bar rather than the bare percentage (for long jobs). */
  readonly bar?: boolean;
}

/**
 * Polls a job until it finishes, showing its percent complete on `progress` (redrawn in place
 * on a terminal, as a bar if asked; a line per change otherwise). Resolves with the completed job; throws a
 * {@link JobFailedError} if it ends otherwise, and an {@link InterruptedError} if the wait is
 * stopped.
 */
export async function followJob(client: ManagementClient, job: Job, following: JobFollowing): Promise<Job> {
  const { progress, label, signal, pollIntervalMs = 200, bar = false } = following;
  let shown: number | undefined;
  const show = (percent: number): void => {
    if (percent === shown) return;
    shown = percent;
    if (!progress.isTTY) progress.write(`${label}: ${percent}%\n`);
    else progress.write(bar ? `\r${label} ${formatProgressBar(percent)}` : `\r${label}: ${percent}%`);
  };
  let current = job;
  try {
    while (!isFinishedJobState(current.state)) {
      show(current.percentComplete);
      await delay(pollIntervalMs, undefined, { signal });
      current = await client.getJob(current.id);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
    if (progress.isTTY && shown !== undefined) progress.write('\n');
    progress.write(`stopped waiting: job ${job.id} goes on in the daemon (tsvisor job show ${job.id})\n`);
    throw new InterruptedError();
  }
  if (shown !== undefined) {
    show(current.percentComplete);
    if (progress.isTTY) progress.write('\n');
  }
  if (current.state !== JobState.Completed) throw new JobFailedError(current);
  return current;
}

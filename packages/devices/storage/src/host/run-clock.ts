import { performance } from 'node:perf_hooks';

/**
 * A clock for timing work done synchronously in runs: a VSP's turn over its ring, each request
 * served there and then. {@link RunClock.fresh} reads the time; {@link RunClock.recent} gives the
 * last reading taken in the current run, or a fresh one if there is none yet. A run ends when the
 * microtask queue gets to run, so the next one starts from a fresh reading, never from one taken
 * before an idle wait.
 *
 * Timing each of a run's jobs from `recent()` to `fresh()` costs one read per job instead of two:
 * a job's start is the end of the one before, and what it measures is the job plus the work done
 * since that reading (microseconds of request handling). Reads cost tens of nanoseconds each,
 * about a tenth of the host's time per request at 4 KiB before this clock.
 */
export class RunClock {
  private reading = 0;
  private valid = false;
  private readonly expire = (): void => {
    this.valid = false;
  };

  /** The time now (`performance.now()`, ms); later {@link RunClock.recent} calls in this run return it. */
  fresh(): number {
    const now = performance.now();
    this.reading = now;
    if (!this.valid) {
      this.valid = true;
      queueMicrotask(this.expire);
    }
    return now;
  }

  /** The last reading of this run (ms), taken now if this run has none. */
  recent(): number {
    return this.valid ? this.reading : this.fresh();
  }
}

/** The clock the storage host's data path times its requests and inline disk jobs with. */
export const runClock = new RunClock();

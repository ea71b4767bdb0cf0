import { randomUUID } from 'node:crypto';
import { Subject, type Observable } from 'rxjs';
import { isStateChangeOperation, type ManagementOperation } from '../authorization/management-operation.js';
import { JobState } from '../state/job-state.js';
import { ReturnCode } from '../state/return-code.js';
import type { Job } from './job.js';
import { JobError } from './job-error.js';
import type { JobWork } from './job-work.js';
import { StateChangeInProgressError } from './state-change-in-progress-error.js';

/** How many finished jobs a {@link JobManager} keeps by default. */
export const DEFAULT_JOB_HISTORY_LIMIT = 1000;

/** Options of a {@link JobManager}; the defaults suit production, the others make tests deterministic. */
export interface JobManagerOptions {
  /** How many finished jobs to keep, the oldest dropped first (default {@link DEFAULT_JOB_HISTORY_LIMIT}). Running jobs are always kept. */
  readonly historyLimit?: number;
  /** The clock for the jobs' timestamps (default: the system clock). */
  readonly now?: () => Date;
  /** Makes job ids (default: `crypto.randomUUID`). */
  readonly newId?: () => string;
}

interface Entry {
  snapshot: Job;
  readonly controller: AbortController;
  readonly finished: Promise<Job>;
  readonly resolveFinished: (job: Job) => void;
}

/**
 * Runs every VMMS operation as a job (DESIGN.md §6): tracks its state and progress, lets it be
 * cancelled, keeps a bounded history of finished jobs, and allows at most one running
 * state-change job per VM. Does no I/O itself: the work it is given does.
 */
export class JobManager {
  readonly #jobs = new Map<string, Entry>();
  /** Ids of finished jobs still kept, oldest first. */
  readonly #history = new Set<string>();
  /** VM id → the id of the state-change job running on it. */
  readonly #stateChanges = new Map<string, string>();
  readonly #events = new Subject<Job>();
  readonly #historyLimit: number;
  readonly #now: () => Date;
  readonly #newId: () => string;
  #disposed = false;

  /**
   * Every change of every job, as a snapshot: submitted (New), Running, each progress step, and
   * its end. Hot: a subscriber sees the changes made after it subscribed. Completes on {@link dispose}.
   */
  readonly events$: Observable<Job> = this.#events.asObservable();

  constructor(options: JobManagerOptions = {}) {
    const historyLimit = options.historyLimit ?? DEFAULT_JOB_HISTORY_LIMIT;
    if (!Number.isSafeInteger(historyLimit) || historyLimit < 0) {
      throw new RangeError(`historyLimit: ${historyLimit} is not a non-negative integer`);
    }
    this.#historyLimit = historyLimit;
    this.#now = options.now ?? (() => new Date());
    this.#newId = options.newId ?? randomUUID;
  }

  /**
   * Submits a job doing `operation` on VM `vmId` (none: on the host) and starts its `work` at once. Returns the job as
   * it is then (Running). The job ends Completed when the work resolves; Exception when it rejects
   * (with the error's message, and its code if a {@link JobError}, else Failed); Terminated when
   * it rejects after {@link cancel}.
   * @throws StateChangeInProgressError if `operation` is a state change and another is running on the VM.
   */
  start(operation: ManagementOperation, vmId: string | undefined, work: JobWork): Job {
    if (this.#disposed) throw new Error('the job manager is disposed');
    const changesState = vmId !== undefined && isStateChangeOperation(operation);
    if (changesState) {
      const runningJobId = this.#stateChanges.get(vmId);
      if (runningJobId !== undefined) throw new StateChangeInProgressError(vmId, operation, runningJobId);
    }

    const id = this.#newId();
    let resolveFinished!: (job: Job) => void;
    const finished = new Promise<Job>((resolve) => (resolveFinished = resolve));
    const entry: Entry = {
      snapshot: Object.freeze<Job>({
        id,
        operation,
        ...(vmId === undefined ? {} : { vmId }),
        state: JobState.New,
        percentComplete: 0,
        submittedAt: this.#timestamp(),
      }),
      controller: new AbortController(),
      finished,
      resolveFinished,
    };
    this.#jobs.set(id, entry);
    if (changesState) this.#stateChanges.set(vmId, id);
    this.#events.next(entry.snapshot);

    this.#update(entry, { state: JobState.Running, startedAt: this.#timestamp() });
    const progress = (percent: number): void => this.#progress(entry, percent);
    let settled: Promise<void>;
    try {
      settled = work(progress, entry.controller.signal);
    } catch (error) {
      settled = Promise.reject(error);
    }
    Promise.resolve(settled).then(
      () => this.#finish(entry, { state: JobState.Completed, percentComplete: 100 }),
      (error: unknown) => this.#finish(entry, this.#failure(entry, error)),
    );
    return entry.snapshot;
  }

  /** Job `id` as it is now, or `undefined` if there is none (or it left the history). */
  get(id: string): Job | undefined {
    return this.#jobs.get(id)?.snapshot;
  }

  /** Every running job and every finished job kept, in the order they were submitted. */
  list(): Job[] {
    return [...this.#jobs.values()].map((entry) => entry.snapshot);
  }

  /**
   * Asks job `id` to stop by aborting its work's signal; the job becomes Terminated once its work
   * rejects. `false` if there is no such job or it has finished already.
   */
  cancel(id: string): boolean {
    const entry = this.#jobs.get(id);
    if (entry === undefined || this.#history.has(id)) return false;
    entry.controller.abort(new JobError(ReturnCode.Failed, `job ${id} was cancelled`));
    return true;
  }

  /** The final snapshot of job `id` once it has finished; `undefined` if there is no such job. */
  whenFinished(id: string): Promise<Job | undefined> {
    return this.#jobs.get(id)?.finished ?? Promise.resolve(undefined);
  }

  /** Cancels every running job and completes {@link events$}. Starting a job afterwards throws. */
  dispose(): void {
    this.#disposed = true;
    for (const [id, entry] of this.#jobs) {
      if (!this.#history.has(id)) entry.controller.abort(new JobError(ReturnCode.Failed, 'the job manager is disposed'));
    }
    this.#events.complete();
  }

  #progress(entry: Entry, percent: number): void {
    if (this.#history.has(entry.snapshot.id) || !Number.isFinite(percent)) return;
    const percentComplete = Math.min(100, Math.max(0, Math.floor(percent)));
    // Never backwards; 100 is left for completion, so a job does not claim it before it is done.
    if (percentComplete <= entry.snapshot.percentComplete || percentComplete === 100) return;
    this.#update(entry, { percentComplete });
  }

  #failure(entry: Entry, error: unknown): Partial<Job> {
    if (entry.controller.signal.aborted) return { state: JobState.Terminated };
    return {
      state: JobState.Exception,
      errorCode: error instanceof JobError ? error.returnCode : ReturnCode.Failed,
      errorDescription: error instanceof Error ? error.message : String(error),
    };
  }

  #finish(entry: Entry, change: Partial<Job>): void {
    const { id, vmId } = entry.snapshot;
    if (vmId !== undefined && this.#stateChanges.get(vmId) === id) this.#stateChanges.delete(vmId);
    this.#history.add(id);
    this.#update(entry, { ...change, finishedAt: this.#timestamp() });
    while (this.#history.size > this.#historyLimit) {
      const oldest = this.#history.values().next().value!;
      this.#history.delete(oldest);
      this.#jobs.delete(oldest);
    }
    entry.resolveFinished(entry.snapshot);
  }

  #update(entry: Entry, change: Partial<Job>): void {
    entry.snapshot = Object.freeze<Job>({ ...entry.snapshot, ...change });
    this.#events.next(entry.snapshot);
  }

  #timestamp(): string {
    return this.#now().toISOString();
  }
}

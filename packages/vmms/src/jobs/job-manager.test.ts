import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { JobState } from '../state/job-state.js';
import { ReturnCode } from '../state/return-code.js';
import type { Job } from './job.js';
import { JobError } from './job-error.js';
import { DEFAULT_JOB_HISTORY_LIMIT, JobManager } from './job-manager.js';
import type { JobWork, ReportProgress } from './job-work.js';
import { StateChangeInProgressError } from './state-change-in-progress-error.js';

/** A job's work that the test finishes by hand. */
function manualWork() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  let progress!: ReportProgress;
  let signal!: AbortSignal;
  const work: JobWork = (p, s) => {
    progress = p;
    signal = s;
    return new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
  };
  return {
    work,
    resolve: () => resolve(),
    reject: (error: unknown) => reject(error),
    progress: (percent: number) => progress(percent),
    get signal() {
      return signal;
    },
  };
}

/** Work that stops, rejecting with the abort reason, when its signal aborts. */
const cancellableWork: JobWork = (_progress, signal) =>
  new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));

/** Work that succeeds at once. */
const doneAtOnce: JobWork = () => Promise.resolve();

/** A clock that ticks one second per reading, from 2026-01-01T00:00:00Z. */
function tickingClock(): () => Date {
  let seconds = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds++));
}

const states = (jobs: Job[]) => jobs.map((job) => job.state);

describe('JobManager', () => {
  it('runs a job New → Running → Completed, with 100% and timestamps', async () => {
    const jobs = new JobManager({ now: tickingClock(), newId: () => 'job-1' });
    const events = firstValueFrom(jobs.events$.pipe(take(3), toArray()));
    const w = manualWork();

    const started = jobs.start('vm.run', 'vm-a', w.work);
    expect(started).toMatchObject({ id: 'job-1', operation: 'vm.run', vmId: 'vm-a', state: JobState.Running, percentComplete: 0 });
    w.resolve();

    const finished = await jobs.whenFinished('job-1');
    expect(finished).toEqual({
      id: 'job-1',
      operation: 'vm.run',
      vmId: 'vm-a',
      state: JobState.Completed,
      percentComplete: 100,
      submittedAt: '2026-01-01T00:00:00.000Z',
      startedAt: '2026-01-01T00:00:01.000Z',
      finishedAt: '2026-01-01T00:00:02.000Z',
    });
    expect(states(await events)).toEqual([JobState.New, JobState.Running, JobState.Completed]);
    expect(jobs.get('job-1')).toBe(finished);
  });

  it('gives each job a random UUID by default', () => {
    const jobs = new JobManager();
    const a = jobs.start('vm.define', 'vm-a', doneAtOnce);
    const b = jobs.start('vm.define', 'vm-b', doneAtOnce);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
  });

  it('ends a job whose work throws a JobError in Exception, with its code and message', async () => {
    const jobs = new JobManager();
    const job = jobs.start('vm.modify', 'vm-a', async () => {
      throw new JobError(ReturnCode.InvalidParameter, 'memory: must be a multiple of 4K');
    });
    expect(await jobs.whenFinished(job.id)).toMatchObject({
      state: JobState.Exception,
      errorCode: 32773,
      errorDescription: 'memory: must be a multiple of 4K',
    });
  });

  it('reports any other failure, even one thrown synchronously, as Failed (32768)', async () => {
    const jobs = new JobManager();
    const job = jobs.start('vm.destroy', 'vm-a', () => {
      throw new Error('disk busy');
    });
    expect(await jobs.whenFinished(job.id)).toMatchObject({
      state: JobState.Exception,
      errorCode: ReturnCode.Failed,
      errorDescription: 'disk busy',
    });
  });

  it('terminates a cancelled job once its work has stopped', async () => {
    const jobs = new JobManager();
    const w = manualWork();
    const job = jobs.start('vm.shutdown', 'vm-a', w.work);

    expect(jobs.cancel(job.id)).toBe(true);
    expect(w.signal.aborted).toBe(true);
    expect(jobs.get(job.id)!.state).toBe(JobState.Running); // still acting on the VM until the work stops
    w.reject(w.signal.reason);

    const finished = await jobs.whenFinished(job.id);
    expect(finished).toMatchObject({ state: JobState.Terminated });
    expect(finished!.errorCode).toBeUndefined();
    expect(jobs.cancel(job.id)).toBe(false);
    expect(jobs.cancel('no-such-job')).toBe(false);
  });

  it('reports a cancelled job whose work finished anyway as Completed: the operation did happen', async () => {
    const jobs = new JobManager();
    const w = manualWork();
    const job = jobs.start('vm.pause', 'vm-a', w.work);
    jobs.cancel(job.id);
    w.resolve();
    expect((await jobs.whenFinished(job.id))!.state).toBe(JobState.Completed);
  });

  it('emits progress in order, floored to an integer, never backwards and never 100 before completion', async () => {
    const jobs = new JobManager();
    const events = firstValueFrom(jobs.events$.pipe(toArray())); // completes on dispose
    const w = manualWork();
    jobs.start('vm.run', 'vm-a', w.work);

    w.progress(10);
    w.progress(33.7);
    w.progress(20); // backwards: ignored
    w.progress(Number.NaN); // ignored
    w.progress(33); // unchanged: no event
    w.progress(90);
    w.progress(150); // would claim completion: ignored
    w.resolve();
    await jobs.whenFinished(jobs.list()[0]!.id);
    w.progress(95); // after the end: ignored
    jobs.dispose();

    const seen = await events;
    expect(seen.map((job) => [job.state, job.percentComplete])).toEqual([
      [JobState.New, 0],
      [JobState.Running, 0],
      [JobState.Running, 10],
      [JobState.Running, 33],
      [JobState.Running, 90],
      [JobState.Completed, 100],
    ]);
  });

  it('keeps the last 1000 finished jobs by default, dropping the oldest', async () => {
    expect(DEFAULT_JOB_HISTORY_LIMIT).toBe(1000);
    let next = 0;
    const jobs = new JobManager({ newId: () => `job-${next++}` });
    const running = manualWork();
    jobs.start('vm.run', 'vm-long', running.work); // job-0, running throughout
    for (let i = 0; i < 1005; i++) await jobs.whenFinished(jobs.start('vm.get', `vm-${i}`, doneAtOnce).id);

    const ids = jobs.list().map((job) => job.id);
    expect(ids).toHaveLength(1001);
    expect(ids[0]).toBe('job-0'); // a running job is never dropped
    expect(ids[1]).toBe('job-6'); // job-1 … job-5, the oldest finished, are gone
    expect(ids.at(-1)).toBe('job-1005');
    expect(jobs.get('job-5')).toBeUndefined();
    expect(await jobs.whenFinished('job-5')).toBeUndefined();
  });

  it('honours a smaller history limit', async () => {
    let next = 0;
    const jobs = new JobManager({ historyLimit: 2, newId: () => `job-${next++}` });
    for (let i = 0; i < 4; i++) await jobs.whenFinished(jobs.start('vm.list', 'vm-a', doneAtOnce).id);
    expect(jobs.list().map((job) => job.id)).toEqual(['job-2', 'job-3']);
    expect(() => new JobManager({ historyLimit: -1 })).toThrow(RangeError);
  });

  it('refuses a second state change on a VM while one runs, with InvalidState naming the running job', async () => {
    const jobs = new JobManager();
    const w = manualWork();
    const first = jobs.start('vm.run', 'vm-a', w.work);

    let refused: unknown;
    try {
      jobs.start('vm.off', 'vm-a', doneAtOnce);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(StateChangeInProgressError);
    expect(refused).toBeInstanceOf(JobError);
    expect(refused).toMatchObject({ returnCode: ReturnCode.InvalidState, vmId: 'vm-a', operation: 'vm.off', runningJobId: first.id });
    expect(jobs.list()).toHaveLength(1); // no job was created for the refused request

    // Other VMs, and operations that are not state changes, are not held up.
    expect(jobs.start('vm.off', 'vm-b', doneAtOnce).state).toBe(JobState.Running);
    expect(jobs.start('vm.counters', 'vm-a', doneAtOnce).state).toBe(JobState.Running);

    w.resolve();
    await jobs.whenFinished(first.id);
    expect(jobs.start('vm.off', 'vm-a', doneAtOnce).state).toBe(JobState.Running);
  });

  it('frees the VM for the next state change when the job fails or is terminated', async () => {
    const jobs = new JobManager();
    const failed = jobs.start('vm.run', 'vm-a', async () => {
      throw new Error('no such guest program');
    });
    await jobs.whenFinished(failed.id);
    const cancelled = jobs.start('vm.run', 'vm-a', cancellableWork);
    jobs.cancel(cancelled.id);
    expect((await jobs.whenFinished(cancelled.id))!.state).toBe(JobState.Terminated);
    expect(jobs.start('vm.run', 'vm-a', doneAtOnce).state).toBe(JobState.Running);
  });

  it('streams events hot: a late subscriber sees only later changes', async () => {
    const jobs = new JobManager();
    const w = manualWork();
    const job = jobs.start('vm.run', 'vm-a', w.work);
    const later = firstValueFrom(jobs.events$.pipe(take(2), toArray()));
    w.progress(50);
    w.resolve();
    const seen = await later;
    expect(seen.map((j) => [j.id, j.state, j.percentComplete])).toEqual([
      [job.id, JobState.Running, 50],
      [job.id, JobState.Completed, 100],
    ]);
    expect(seen.every(Object.isFrozen)).toBe(true);
  });

  it('lists jobs in the order they were submitted', () => {
    let next = 0;
    const jobs = new JobManager({ newId: () => `job-${next++}` });
    jobs.start('vm.run', 'vm-b', manualWork().work);
    jobs.start('vm.run', 'vm-a', manualWork().work);
    expect(jobs.list().map((job) => [job.id, job.vmId])).toEqual([
      ['job-0', 'vm-b'],
      ['job-1', 'vm-a'],
    ]);
  });

  it('on dispose, cancels running jobs, completes events$ and refuses new jobs', async () => {
    const jobs = new JobManager();
    const job = jobs.start('vm.run', 'vm-a', cancellableWork);
    const all = firstValueFrom(jobs.events$.pipe(toArray()));
    jobs.dispose();
    expect(await all).toEqual([]);
    expect((await jobs.whenFinished(job.id))!.state).toBe(JobState.Terminated);
    expect(() => jobs.start('vm.run', 'vm-b', doneAtOnce)).toThrow(/disposed/);
  });
});

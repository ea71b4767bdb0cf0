import { isFinishedJobState, type Job, type VmmsEvent, type VmStateName } from '@tsvisor/vmms';
import type { EventStream, UnixSocketApi } from '../http/unix-socket-api.js';
import { within } from '../within.js';

/**
 * What the VMMS's `GET /events` stream has told so far: the last state of each VM (by name) and
 * the jobs that finished. The benchmark waits on it instead of polling the API.
 */
export class VmmsEventLog {
  readonly #states = new Map<string, VmStateName>();
  readonly #finishedJobs = new Map<string, Job>();
  readonly #waiters = new Set<() => void>();
  #stream: EventStream | undefined;

  /** Opens the stream of the daemon behind `api`; only later events are seen. */
  static async open(api: UnixSocketApi): Promise<VmmsEventLog> {
    const log = new VmmsEventLog();
    log.#stream = await api.events('/events', ({ data }) => log.#take(JSON.parse(data) as VmmsEvent));
    return log;
  }

  stateOf(name: string): VmStateName | undefined {
    return this.#states.get(name);
  }

  finishedJob(id: string): Job | undefined {
    return this.#finishedJobs.get(id);
  }

  /** Resolves with the first value `check` returns (not `undefined`), re-checked at each event; rejects if `check` throws. */
  until<T>(check: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
    let waiter: () => void = () => undefined;
    const found = new Promise<T>((resolve, reject) => {
      waiter = () => {
        try {
          const value = check();
          if (value === undefined) return;
          this.#waiters.delete(waiter);
          resolve(value);
        } catch (error) {
          this.#waiters.delete(waiter);
          reject(error as Error);
        }
      };
      this.#waiters.add(waiter);
      waiter();
    });
    return within(found, timeoutMs, what).finally(() => this.#waiters.delete(waiter));
  }

  close(): void {
    this.#stream?.close();
  }

  #take(event: VmmsEvent): void {
    if (event.type === 'vm-state' || event.type === 'vm-defined') this.#states.set(event.vm.name, event.vm.state);
    else if (event.type === 'vm-destroyed') this.#states.delete(event.name);
    else if (isFinishedJobState(event.job.state)) this.#finishedJobs.set(event.job.id, event.job);
    for (const waiter of [...this.#waiters]) waiter();
  }
}

import { JobState, startVmmsDaemon, type Job, type VmmsDaemon, type VmSummary, type WorkerMode } from '@tsvisor/vmms';
import { fileURLToPath } from 'node:url';
import { UnixSocketApi } from '../http/unix-socket-api.js';
import { within } from '../within.js';
import { VmmsEventLog } from './vmms-event-log.js';

/** The bench package: its `@tsvisor/integration` dependency is the host build's only plugin. */
const BENCH_PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** The repository's integration-services example guest program. */
const GUEST_PROGRAM = fileURLToPath(new URL('../../../../examples/guests/src/integration-services.ts', import.meta.url));

/** The first line the guest program prints. */
export const GREETING = 'hello from integration-services';

/** The four devices the guest program needs, at their default pace (not a test's), so that 50 VMs idle quietly. */
const DEVICES = [
  { class: 'integration.heartbeat', config: { intervalMs: 1000, missedLimit: 5 } },
  { class: 'integration.shutdown', config: { timeoutSeconds: 10 } },
  { class: 'integration.timesync', config: { intervalMs: 5000 } },
  { class: 'integration.kvp', config: {} },
] as const;

/** How long one VM operation may take on a loaded 2-core machine before the run is given up. */
const TIMEOUT_MS = 120_000;

/**
 * A VMMS daemon started by the benchmark in this process, driven only through its management API
 * on the Unix socket, as a client would: VMs of 16 MiB running the integration-services guest.
 */
export class BenchHost {
  private constructor(
    readonly daemon: VmmsDaemon,
    readonly api: UnixSocketApi,
    readonly events: VmmsEventLog,
  ) {}

  static async start(dataDir: string, workerMode: WorkerMode): Promise<BenchHost> {
    const daemon = await startVmmsDaemon({ dataDir, hostPackageDir: BENCH_PACKAGE_DIR, workerMode });
    try {
      const api = new UnixSocketApi(daemon.socketPath);
      return new BenchHost(daemon, api, await VmmsEventLog.open(api));
    } catch (error) {
      await daemon.close();
      throw error;
    }
  }

  async define(name: string): Promise<void> {
    await this.api.json('POST', '/vms', 201, { name, memory: '16M', guest: { program: GUEST_PROGRAM }, devices: DEVICES });
  }

  /** Asks for a state change; resolves with its job's id once the VMMS has accepted it. */
  async requestState(name: string, requestedState: 'run' | 'off'): Promise<string> {
    const { job } = await this.api.json<{ job: Job }>('POST', `/vms/${encodeURIComponent(name)}/state`, 202, { requestedState });
    return job.id;
  }

  /** Job `id` once it has finished; throws if it did not complete. */
  async finished(id: string, what: string): Promise<Job> {
    const job = await this.events.until(() => this.events.finishedJob(id), TIMEOUT_MS, () => what);
    if (job.state !== JobState.Completed) throw new Error(`${what} failed: ${job.errorDescription ?? `job state ${job.state}`}`);
    return job;
  }

  /** Defines VM `name` and starts it: milliseconds from the define request to the guest's greeting on its console. */
  async startToGreeting(name: string): Promise<number> {
    const start = performance.now();
    await this.define(name);
    let console = '';
    let greeted: () => void = () => undefined;
    const greeting = new Promise<void>((resolve) => (greeted = resolve));
    const stream = await this.api.events(`/vms/${encodeURIComponent(name)}/console?follow=1`, ({ event, data }) => {
      if (event !== 'console') return;
      console += JSON.parse(data) as string;
      if (console.includes(GREETING)) greeted();
    });
    try {
      const run = await this.requestState(name, 'run');
      const failed = this.finished(run, `run ${name}`).then(() => new Promise<never>(() => undefined));
      await within(Promise.race([greeting, failed]), TIMEOUT_MS, () => `${name}'s greeting (console so far: ${JSON.stringify(console)})`);
    } finally {
      stream.close();
    }
    return performance.now() - start;
  }

  /** Defines and starts all `names` at once: milliseconds from the first define request until every one is Running. */
  async startAllToRunning(names: readonly string[]): Promise<number> {
    const start = performance.now();
    const jobs = await Promise.all(
      names.map(async (name) => {
        await this.define(name);
        return { name, id: await this.requestState(name, 'run') };
      }),
    );
    await this.events.until(
      () => {
        for (const { name, id } of jobs) {
          const job = this.events.finishedJob(id);
          if (job && job.state !== JobState.Completed) throw new Error(`run ${name} failed: ${job.errorDescription ?? `job state ${job.state}`}`);
        }
        return names.every((name) => this.events.stateOf(name) === 'Running') ? true : undefined;
      },
      TIMEOUT_MS,
      () => `all ${names.length} VMs Running (${names.filter((name) => this.events.stateOf(name) === 'Running').length} are)`,
    );
    return performance.now() - start;
  }

  /** Turns `names` off (hard), all at once, and waits until they are. */
  async turnOff(names: readonly string[]): Promise<void> {
    await Promise.all(names.map(async (name) => this.finished(await this.requestState(name, 'off'), `off ${name}`)));
  }

  async destroy(name: string): Promise<void> {
    const { job } = await this.api.json<{ job: Job }>('DELETE', `/vms/${encodeURIComponent(name)}`, 202);
    await this.finished(job.id, `destroy ${name}`);
  }

  async list(): Promise<VmSummary[]> {
    return this.api.json<VmSummary[]>('GET', '/vms', 200);
  }

  async close(): Promise<void> {
    this.events.close();
    await this.daemon.close();
  }
}

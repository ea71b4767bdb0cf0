import type { DeviceHostGrantLease, HostComposition } from '@tsvisor/device-sdk/host';
import { RUN_QUEUE_PATH } from '@tsvisor/hypervisor-core';
import { fork, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerCommand } from '../control/control-messages.js';
import { ControlConnection } from './control-connection.js';
import type { WorkerLauncherOptions } from './in-process-worker-launcher.js';
import { VmImageBuilder } from './vm-image-builder.js';
import type { VmLaunch, VmWorker, VmWorkerExit, VmWorkerLauncher } from './vm-worker.js';
import { bundleWorkerProgram } from './worker-program.js';

/** Bytes of a worker's stderr kept to explain its death. */
const STDERR_TAIL_BYTES = 4096;
/** Characters of that tail quoted in the exit reason. */
const REASON_CHARS = 600;

/**
 * Runs each VM's worker as an OS child process (the default, DESIGN §6) under Node's permission
 * model: it may read its own script, read and write the VM's resource directory and the files its
 * devices declare (`VspFactory.fileAccess`, e.g. a disk image), start worker threads (its virtual
 * processors), and nothing else — no other file, no child process, no native addon. Whatever the guest does to it, the VMMS and the other VMs are in other processes.
 * What a device needs of this process (`VspFactory.grantHostAccess`: a port on a virtual switch
 * that lives here, say) is granted before the worker starts, handed to its VSP, and revoked when
 * the worker is gone.
 */
export class ChildProcessWorkerLauncher implements VmWorkerLauncher {
  readonly #composition: HostComposition;
  readonly #images: VmImageBuilder;
  readonly #workDir: string;
  readonly #sampleIntervalMs: number;
  #program: Promise<string> | undefined;

  constructor(composition: HostComposition, options: WorkerLauncherOptions = {}) {
    this.#composition = composition;
    this.#workDir = options.workDir ?? join(tmpdir(), 'tsvisor');
    this.#images = new VmImageBuilder(composition, this.#workDir);
    this.#sampleIntervalMs = options.sampleIntervalMs ?? 1000;
  }

  /** The worker script (bundled on first use). */
  program(): Promise<string> {
    this.#program ??= bundleWorkerProgram(this.#composition, this.#workDir);
    this.#program.catch(() => {
      this.#program = undefined;
    });
    return this.#program;
  }

  async launch({ vm, program, resourceDir }: VmLaunch): Promise<VmWorker> {
    const [script, guestImage, vpRuntime] = await Promise.all([this.program(), this.#images.image(program), this.#images.vpRuntime()]);
    // What the devices need beyond the resource directory (disk images, …), checked with their configurations.
    const access = await Promise.all(vm.devices.map((device, i) => this.#composition.registry.fileAccess(device, `devices[${i}]`)));
    // What they need of this process (a port on a virtual switch here, …): revoked when the worker is gone.
    const leases = await this.#grantHostAccess(vm);
    const revokeLeases = (): void => {
      for (const lease of leases) lease?.revoke();
    };
    const devices = vm.devices.map((device, i) => {
      const lease = leases[i];
      return lease ? { ...device, hostGrant: lease.grant } : device;
    });
    let child: ChildProcess;
    try {
      child = this.#fork(script, resourceDir, access);
    } catch (error) {
      revokeLeases();
      throw error;
    }
    let stderrTail = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    const connection = new ControlConnection(
      (command: WorkerCommand) => {
        if (child.connected) child.send(command);
      },
      (error) => {
        stderrTail += `\nthe VMMS ended this worker for a bad control message: ${error.message}`;
        child.kill('SIGKILL');
      },
    );
    child.on('message', (message) => connection.receive(message));
    // 'exit' can come before the last IPC messages are read: the channel's end comes after them.
    const disconnected = new Promise<void>((resolve) => child.once('disconnect', resolve));
    const exited = new Promise<VmWorkerExit>((resolve) => {
      child.once('exit', async (code, signal) => {
        if (child.connected) await disconnected;
        revokeLeases();
        const clean = code === 0 && signal === null;
        const tail = stderrTail.trim();
        const reason = clean
          ? 'the VM turned off'
          : `the worker process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${tail ? `: ${tail.slice(-REASON_CHARS)}` : ''}`;
        connection.close(reason);
        resolve({ code, signal, reason, clean });
      });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (error) {
      revokeLeases();
      throw error;
    }
    const sampleIntervalMs = this.#sampleIntervalMs;
    return {
      reports$: connection.reports$,
      exited,
      pid: child.pid,
      start: async () => {
        await connection.request({ kind: 'start', vm: { ...vm, devices }, guestImage, vpRuntime, sampleIntervalMs });
      },
      request: (request, timeoutMs) => connection.request(request, timeoutMs),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  }

  /** Asks each device's class for its host grant; on a refusal, revokes those granted and rejects. */
  async #grantHostAccess(vm: VmLaunch['vm']): Promise<(DeviceHostGrantLease | undefined)[]> {
    const results = await Promise.allSettled(vm.devices.map((device, i) => this.#composition.registry.grantHostAccess(device, vm.name, `devices[${i}]`)));
    const leases = results.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (refused) {
      for (const lease of leases) lease?.revoke();
      throw refused.reason;
    }
    return leases;
  }

  #fork(script: string, resourceDir: string, access: readonly { read: readonly string[]; write: readonly string[] }[]): ChildProcess {
    return fork(script, [], {
      execArgv: [
        '--experimental-permission',
        `--allow-fs-read=${script}`,
        `--allow-fs-read=${resourceDir}`,
        // The host's run queue, which tells the VPs not to halt-poll on an overcommitted host.
        `--allow-fs-read=${RUN_QUEUE_PATH}`,
        `--allow-fs-write=${resourceDir}`,
        ...access.flatMap(({ read }) => read.map((path) => `--allow-fs-read=${path}`)),
        ...access.flatMap(({ write }) => write.map((path) => `--allow-fs-write=${path}`)),
        '--allow-worker',
        '--disable-warning=ExperimentalWarning',
        '--disable-warning=SecurityWarning',
      ],
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
  }

  close(): Promise<void> {
    return this.#images.close();
  }
}

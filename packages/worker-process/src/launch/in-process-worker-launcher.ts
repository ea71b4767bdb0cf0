import type { HostComposition } from '@tsvisor/device-sdk/host';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerCommand, WorkerReport } from '../control/control-messages.js';
import { WorkerHost } from '../motherboard/worker-host.js';
import { ControlConnection } from './control-connection.js';
import { VmImageBuilder } from './vm-image-builder.js';
import type { VmLaunch, VmWorker, VmWorkerExit, VmWorkerLauncher } from './vm-worker.js';

/** Options of the worker launchers. */
export interface WorkerLauncherOptions {
  /** Where generated files go; default a directory under the OS temporary directory. */
  readonly workDir?: string;
  /** How often a running VM reports a sample, ms (default 1000). */
  readonly sampleIntervalMs?: number;
}

/**
 * Runs each VM's worker inside the VMMS process (the embedded default, and tests): the same
 * {@link WorkerHost} and control messages as a worker process — each message is cloned as it
 * would be by IPC — without the OS process boundary. Guests still run in their own partitions
 * (VP threads and realms); what this mode gives up is the permission model around the VSPs.
 */
export class InProcessWorkerLauncher implements VmWorkerLauncher {
  readonly #composition: HostComposition;
  readonly #images: VmImageBuilder;
  readonly #sampleIntervalMs: number;

  constructor(composition: HostComposition, options: WorkerLauncherOptions = {}) {
    this.#composition = composition;
    this.#images = new VmImageBuilder(composition, options.workDir ?? join(tmpdir(), 'tsvisor'));
    this.#sampleIntervalMs = options.sampleIntervalMs ?? 1000;
  }

  async launch({ vm, program }: VmLaunch): Promise<VmWorker> {
    const [guestImage, vpRuntime] = await Promise.all([this.#images.image(program), this.#images.vpRuntime()]);
    let resolveExited!: (exit: VmWorkerExit) => void;
    const exited = new Promise<VmWorkerExit>((resolve) => {
      resolveExited = resolve;
    });
    let ended = false;
    const end = (exit: VmWorkerExit): void => {
      if (ended) return;
      ended = true;
      connection.close(exit.reason);
      resolveExited(exit);
    };
    const host = new WorkerHost({
      plugins: this.#composition,
      send: (report: WorkerReport) => {
        const copy = structuredClone(report);
        queueMicrotask(() => connection.receive(copy));
      },
    });
    const connection: ControlConnection = new ControlConnection(
      (command: WorkerCommand) => {
        const copy = structuredClone(command);
        queueMicrotask(() => host.handle(copy));
      },
      (error) => end({ code: null, signal: null, reason: `ended for a bad control message: ${error.message}`, clean: false }),
    );
    void host.ended.then(() => setImmediate(() => end({ code: 0, signal: null, reason: 'the VM turned off', clean: true })));
    const sampleIntervalMs = this.#sampleIntervalMs;
    return {
      reports$: connection.reports$,
      exited,
      pid: undefined,
      start: async () => {
        await connection.request({ kind: 'start', vm, guestImage, vpRuntime, sampleIntervalMs });
      },
      request: (request, timeoutMs) => connection.request(request, timeoutMs),
      kill: () => {
        host.handle({ kind: 'off', id: 0 });
        end({ code: null, signal: 'SIGKILL', reason: 'killed', clean: false });
      },
    };
  }

  close(): Promise<void> {
    return this.#images.close();
  }
}

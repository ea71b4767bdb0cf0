import { Worker } from 'node:worker_threads';
import type { GuestImage } from '../guest-image/guest-image.js';
import { runQueueDescriptor } from '../host-load/run-queue.js';
import { permissionFlags } from './permission-flags.js';
import type { VpLayout, VpReport, VpWorkerData } from './vp-protocol.js';
import type { VpRuntimeSource } from './vp-runtime-source.js';

/** V8 heap limits of one VP thread. */
export interface VpResourceLimits {
  /** Old-generation heap, MiB. */
  readonly maxHeapMb: number;
  /** Young-generation heap, MiB. */
  readonly maxYoungGenerationMb: number;
  /** Stack, MiB. */
  readonly stackMb: number;
}

/** How a VP thread ended: its guest entry returned, or it faulted. */
export type VpExit = { readonly kind: 'halted'; readonly code: number } | { readonly kind: 'fault'; readonly reason: string };

/** What a partition needs to start one VP. */
export interface VpStartOptions {
  readonly partitionName: string;
  readonly guestMemory: SharedArrayBuffer;
  readonly controlBlock: SharedArrayBuffer;
  readonly layout: VpLayout;
  readonly image: GuestImage;
  readonly limits: VpResourceLimits;
  /** Where the VP thread's entry script comes from. */
  readonly runtime: VpRuntimeSource;
  /** Called once, when the VP halts or faults (not when the host terminates it). */
  readonly onExit: (exit: VpExit) => void;
}

/**
 * The host's handle on one virtual processor: a worker thread (its own V8 isolate, with
 * resource limits) running the VP runtime, which runs guest code in a restricted realm.
 */
export class VirtualProcessor {
  private ended = false;
  private terminating: Promise<void> | undefined;

  private constructor(
    readonly index: number,
    private readonly worker: Worker,
  ) {}

  /** Starts a VP thread; resolves once the guest image is evaluated and its entry started. */
  static async start(options: VpStartOptions): Promise<VirtualProcessor> {
    const url = await options.runtime.script();
    const workerData: VpWorkerData = {
      partitionName: options.partitionName,
      guestMemory: options.guestMemory,
      controlBlock: options.controlBlock,
      layout: options.layout,
      image: options.image,
      ...(options.layout.haltPollUs === 0 ? {} : { runQueueFd: runQueueDescriptor() }),
    };
    const worker = new Worker(url, {
      name: `${options.partitionName}/vp${options.layout.vpIndex}`,
      workerData,
      // The VM modules flag is needed only so that a refused import() fails with an error of the
      // guest's realm; the permission flags keep the thread under the process's permission model.
      execArgv: [...permissionFlags(), '--experimental-vm-modules', '--no-warnings'],
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: options.limits.maxHeapMb,
        maxYoungGenerationSizeMb: options.limits.maxYoungGenerationMb,
        stackSizeMb: options.limits.stackMb,
      },
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const vp = new VirtualProcessor(options.layout.vpIndex, worker);
    return new Promise<VirtualProcessor>((resolve, reject) => {
      let booted = false;
      const end = (exit: VpExit): void => {
        if (vp.ended) return;
        vp.ended = true;
        if (!booted) {
          reject(new Error(exit.kind === 'fault' ? exit.reason : `VP ${vp.index} halted while booting`));
          void vp.terminate();
          return;
        }
        options.onExit(exit);
        void vp.terminate();
      };
      worker.on('message', (report: VpReport) => {
        if (report.kind === 'booted') {
          booted = true;
          resolve(vp);
        } else end(report);
      });
      worker.on('error', (error: Error & { code?: string }) => {
        const reason =
          error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory: the VP exceeded its heap limit' : `VP runtime error: ${error.message}`;
        end({ kind: 'fault', reason });
      });
      worker.on('exit', (code) => {
        if (vp.terminating) return;
        end({ kind: 'fault', reason: `VP thread exited unexpectedly (code ${code})` });
      });
    });
  }

  /** Stops the thread wherever it is (a tight loop included). */
  terminate(): Promise<void> {
    this.ended = true;
    this.terminating ??= this.worker.terminate().then(() => undefined);
    return this.terminating;
  }

  /** Event-loop utilisation of the VP thread since it started (busy vs waiting for interrupts). */
  utilization(): { readonly activeMs: number; readonly idleMs: number } {
    const { active, idle } = this.worker.performance.eventLoopUtilization();
    return { activeMs: active, idleMs: idle };
  }
}

import type { Observable } from 'rxjs';
import type { WorkerRequest } from '../control/control-messages.js';
import type { WorkerVmSpec } from '../control/worker-vm-spec.js';
import type { MotherboardReport } from '../motherboard/virtual-motherboard.js';

/** How a worker ended. */
export interface VmWorkerExit {
  /** Exit code, when it exited by itself. */
  readonly code: number | null;
  /** The signal that killed it (`SIGKILL`, …). */
  readonly signal: string | null;
  /** In words, for health reports. */
  readonly reason: string;
  /** Whether it ended as a worker should: after its VM turned off, with code 0. */
  readonly clean: boolean;
}

/**
 * The VMMS's handle on the worker of one running VM (DESIGN §6), whatever its mode. Subscribe to
 * `reports$` before `start()`: reports are not replayed.
 */
export interface VmWorker {
  /** State, heartbeat, device, console and sample reports, checked. */
  readonly reports$: Observable<MotherboardReport>;
  /** Resolves when the worker is gone: after its VM ended, or when it died. */
  readonly exited: Promise<VmWorkerExit>;
  /** The OS process id (process mode). */
  readonly pid: number | undefined;
  /** Boots the VM; resolves once it runs. */
  start(): Promise<void>;
  /** Sends a command and resolves with its reply; rejects with the worker's error, or if the worker dies or takes longer than `timeoutMs`. */
  request(request: Exclude<WorkerRequest, { readonly kind: 'start' }>, timeoutMs?: number): Promise<unknown>;
  /** Ends the worker at once (SIGKILL in process mode). */
  kill(): void;
}

/** What a VM's worker runs: its spec and its guest program. */
export interface VmLaunch {
  readonly vm: WorkerVmSpec;
  /** Path of the guest program. */
  readonly program: string;
  /** A directory the VM may read and write (its own resources); process mode grants it and nothing else but the code. */
  readonly resourceDir: string;
}

/** Makes the worker of a VM about to start: an OS child process or an in-process worker. */
export interface VmWorkerLauncher {
  launch(launch: VmLaunch): Promise<VmWorker>;
  /** Releases what the launcher keeps (caches, temporary files). */
  close(): Promise<void>;
}

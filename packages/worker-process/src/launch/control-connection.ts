import { DeviceConfigError } from '@tsvisor/device-sdk';
import { Subject, type Observable } from 'rxjs';
import type { WorkerCommand, WorkerRequest } from '../control/control-messages.js';
import { decodeWorkerReport } from '../control/worker-report-decoder.js';
import type { MotherboardReport } from '../motherboard/virtual-motherboard.js';
import { WorkerCommandError } from './worker-command-error.js';
import { WorkerGoneError } from './worker-gone-error.js';

/** Default time a worker has to answer a command, ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The VMMS end of a worker's control channel, whatever carries it: numbers commands, matches
 * replies, checks every incoming message ({@link decodeWorkerReport}) and hands the rest out as
 * `reports$`. A malformed message calls `onViolation`: the launcher then ends that worker.
 */
export class ControlConnection {
  readonly #post: (command: WorkerCommand) => void;
  readonly #onViolation: (error: Error) => void;
  readonly #pending = new Map<number, Pending>();
  readonly #reports = new Subject<MotherboardReport>();
  #nextId = 1;
  #gone: Error | undefined;

  readonly reports$: Observable<MotherboardReport> = this.#reports.asObservable();

  constructor(post: (command: WorkerCommand) => void, onViolation: (error: Error) => void) {
    this.#post = post;
    this.#onViolation = onViolation;
  }

  /** Takes one message from the worker. */
  receive(message: unknown): void {
    if (this.#gone) return;
    let report;
    try {
      report = decodeWorkerReport(message);
    } catch (error) {
      this.#onViolation(error as Error);
      return;
    }
    if (report.kind !== 'reply') {
      this.#reports.next(report);
      return;
    }
    const pending = this.#pending.get(report.id);
    if (!pending) return;
    this.#pending.delete(report.id);
    clearTimeout(pending.timer);
    if (report.ok) {
      pending.resolve(report.value);
    } else if (report.error.name === 'DeviceConfigError' && report.error.field !== undefined) {
      const prefix = report.error.field ? `${report.error.field}: ` : '';
      pending.reject(new DeviceConfigError(report.error.field, report.error.message.startsWith(prefix) ? report.error.message.slice(prefix.length) : report.error.message));
    } else {
      pending.reject(new WorkerCommandError(report.error));
    }
  }

  /** Sends a command; resolves with its reply's value. */
  request(request: WorkerRequest, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Promise<unknown> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new WorkerGoneError(`the worker did not answer ${request.kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#post({ ...request, id } as WorkerCommand);
    });
  }

  /** The worker is gone: pending commands fail with `reason`, reports end. */
  close(reason: string): void {
    if (this.#gone) return;
    this.#gone = new WorkerGoneError(reason);
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(this.#gone);
    }
    this.#pending.clear();
    this.#reports.complete();
  }
}

import type { WorkerErrorInfo } from '../control/control-messages.js';

/** A command failed in the worker; `remoteName` is the error's name there (e.g. `GuestShutdownUnavailableError`). */
export class WorkerCommandError extends Error {
  override readonly name = 'WorkerCommandError';
  readonly remoteName: string;

  constructor(info: WorkerErrorInfo) {
    super(info.message);
    this.remoteName = info.name;
  }
}

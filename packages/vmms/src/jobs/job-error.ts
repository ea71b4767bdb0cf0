import type { ReturnCode } from '../state/return-code.js';

/** A {@link ReturnCode} that reports a failure: neither Completed (0) nor Job started (4096). */
export type ErrorReturnCode = Exclude<ReturnCode, typeof ReturnCode.Completed | typeof ReturnCode.JobStarted>;

/**
 * A failure that carries the {@link ReturnCode} to report it with. A job's work throws one to end
 * in Exception with that code (any other error is reported as Failed, 32768).
 */
export class JobError extends Error {
  override readonly name: string = 'JobError';

  constructor(
    /** The code to report the failure with (PROTOCOLS.md §6). */
    readonly returnCode: ErrorReturnCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

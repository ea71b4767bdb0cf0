/** Something the demo waits for did not happen in time. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';

  constructor(
    /** What was awaited, e.g. `the guest printing the host's value`. */
    readonly awaited: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    const cause = options?.cause === undefined ? '' : `; last: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`;
    super(`${awaited} did not happen within ${timeoutMs / 1000} s${cause}`, options);
  }
}

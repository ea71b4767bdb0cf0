/** The worker ended (or stopped answering) before it answered a command. */
export class WorkerGoneError extends Error {
  override readonly name = 'WorkerGoneError';
}

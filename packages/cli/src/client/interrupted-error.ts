/** The user interrupted the command (SIGINT, SIGTERM) before the daemon answered. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';

  constructor() {
    super('interrupted');
  }
}

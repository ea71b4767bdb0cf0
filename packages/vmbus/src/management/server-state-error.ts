/**
 * The host asked the VMBus server for something its state does not allow (completing an open
 * that is not pending, accepting an unknown GPADL…). Host-local misuse: nothing was sent and
 * nothing changed.
 */
export class ServerStateError extends Error {
  override readonly name = 'ServerStateError';

  /**
   * @param operation - The refused operation, e.g. `completeOpen(7)`.
   * @param state - The state that forbids it, e.g. `channel 7 is Open`.
   */
  constructor(
    readonly operation: string,
    readonly state: string,
  ) {
    super(`cannot ${operation}: ${state}`);
  }
}

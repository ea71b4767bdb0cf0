/**
 * Guest code asked the VMBus client for something its state does not allow (opening a channel
 * that is not offered, tearing down a GPADL twice…). Guest-local misuse: nothing was sent and
 * nothing changed.
 */
export class ClientStateError extends Error {
  override readonly name = 'ClientStateError';

  /**
   * @param operation - The refused operation, e.g. `open(7)`.
   * @param state - The state that forbids it, e.g. `channel 7 is Rescinded`.
   */
  constructor(
    readonly operation: string,
    readonly state: string,
  ) {
    super(`cannot ${operation}: ${state}`);
  }
}

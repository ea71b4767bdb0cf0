/** An integration-service request the host cannot make now: the guest has not opened and negotiated the channel. */
export class IntegrationServiceUnavailableError extends Error {
  override readonly name = 'IntegrationServiceUnavailableError';

  constructor(
    /** The device class id, e.g. `integration.shutdown`. */
    readonly classId: string,
    /** Why: `not-connected` (no open, negotiated channel) or `unsupported` (no common version). */
    readonly reason: 'not-connected' | 'unsupported',
  ) {
    super(`${classId} is not available: ${reason === 'not-connected' ? 'the guest has not opened its channel' : 'the guest speaks no version the host speaks'}`);
  }
}

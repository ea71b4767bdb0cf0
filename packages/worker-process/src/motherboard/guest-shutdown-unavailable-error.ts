/** A guest-assisted shutdown was asked of a VM none of whose devices can ask its guest (no shutdown integration service). */
export class GuestShutdownUnavailableError extends Error {
  override readonly name = 'GuestShutdownUnavailableError';

  constructor(readonly vmName: string) {
    super(`VM ${vmName} has no device that offers a guest-assisted shutdown (add the integration.shutdown device)`);
  }
}

/** An operation on an IP stack that is closed (or that closed while the operation waited). */
export class IpStackClosedError extends Error {
  override readonly name = 'IpStackClosedError';

  constructor() {
    super('the IP stack is closed');
  }
}

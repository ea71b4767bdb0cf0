/** A send or receive on a UDP socket that is closed (or that closed while it waited). */
export class SocketClosedError extends Error {
  override readonly name = 'SocketClosedError';

  constructor(
    /** The socket's local port. */
    readonly port: number,
  ) {
    super(`UDP socket on port ${port} is closed`);
  }
}

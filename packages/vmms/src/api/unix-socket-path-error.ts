/**
 * The management API cannot take the Unix socket path: another daemon answers on it (`in-use`),
 * or something that is not a socket is there (`not-a-socket`), which is never removed.
 */
export class UnixSocketPathError extends Error {
  override readonly name = 'UnixSocketPathError';

  constructor(
    readonly path: string,
    readonly reason: 'in-use' | 'not-a-socket',
  ) {
    super(
      reason === 'in-use'
        ? `${path}: another daemon answers on this socket`
        : `${path}: exists and is not a socket; it is left alone`,
    );
  }
}

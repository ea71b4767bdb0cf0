/** A UDP port cannot be bound: it is taken, or (for an ephemeral port) every ephemeral port is. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';

  constructor(
    /** The port asked for, or `'ephemeral'` when any ephemeral port was. */
    readonly port: number | 'ephemeral',
  ) {
    super(port === 'ephemeral' ? 'every ephemeral UDP port is bound' : `UDP port ${port} is already bound`);
  }
}

import type { ChannelStatus } from './channel-status.js';

/** A send or request on a channel that is no longer open (or that closed before the answer came). */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';

  constructor(
    /** The channel's name. */
    readonly channel: string,
    /** The state that ended it. */
    readonly status: ChannelStatus,
    options?: { cause?: unknown },
  ) {
    super(`channel ${channel} is ${status}`, options);
  }
}

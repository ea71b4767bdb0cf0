/** Where a {@link Channel} is in its life. Every state but `Open` is final. */
export const ChannelStatus = {
  /** Packets flow both ways. */
  Open: 'open',
  /** Closed by either side in order; `packets$` completed. */
  Closed: 'closed',
  /** The peer broke the ring protocol; `packets$` errored with the `ProtocolError`. Other channels are unaffected. */
  Faulted: 'faulted',
  /** The host withdrew the device (rescind); `packets$` completed. */
  Revoked: 'revoked',
} as const;

/** A value of {@link ChannelStatus}. */
export type ChannelStatus = (typeof ChannelStatus)[keyof typeof ChannelStatus];

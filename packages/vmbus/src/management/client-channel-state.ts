/** The guest's view of one offered channel. The host's richer view is {@link ChannelState}. */
export const ClientChannelState = {
  /** Offered by the host and never opened. */
  Offered: 'Offered',
  /** OPENCHANNEL sent; waiting for OPENCHANNEL_RESULT. */
  Opening: 'Opening',
  /** Open: the rings are in use. */
  Open: 'Open',
  /** Was open and the guest closed it; it may be opened again. */
  Closed: 'Closed',
  /** The host rescinded the offer; the guest releases the relid once it has cleaned up. */
  Rescinded: 'Rescinded',
} as const;

/** One of the {@link ClientChannelState} values. */
export type ClientChannelState = (typeof ClientChannelState)[keyof typeof ClientChannelState];

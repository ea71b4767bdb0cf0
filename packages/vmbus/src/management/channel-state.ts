/**
 * The host's view of one channel's life, as modelled on PROTOCOLS.md §2 ("channel states worth
 * modelling explicitly"). The guest's own, simpler view is {@link ClientChannelState}.
 */
export const ChannelState = {
  /** Offered by the host, but the guest does not know it (not yet sent, or forgotten by an UNLOAD). */
  ClientReleased: 'ClientReleased',
  /** Offered to the guest and not open. */
  Closed: 'Closed',
  /** The guest sent OPENCHANNEL; the host has not answered yet (`completeOpen`). */
  Opening: 'Opening',
  /** Open: the rings are in use. */
  Open: 'Open',
  /** The guest sent CLOSECHANNEL; the host has not finished closing yet (`completeClose`). */
  Closing: 'Closing',
  /** Closing, and the guest already asked to open again: the open is served once the close is done. */
  ClosingReopen: 'ClosingReopen',
  /** Rescinded by the host; waiting for the guest's RELID_RELEASED (and any close the host owes). */
  Revoked: 'Revoked',
  /** Revoked, and the host offered the same device again: re-offered once the old relid is released. */
  Reoffered: 'Reoffered',
} as const;

/** One of the {@link ChannelState} values. */
export type ChannelState = (typeof ChannelState)[keyof typeof ChannelState];

/** The host's view of the VMBus connection with the guest (the control plane of PROTOCOLS.md §2). */
export const ConnectionState = {
  /** No version negotiated: only INITIATE_CONTACT is acceptable. */
  Disconnected: 'Disconnected',
  /** A version is agreed; the guest has not asked for offers yet. */
  Connected: 'Connected',
  /** The guest asked for offers: every offer is sent at once, channels may be opened. */
  OffersRequested: 'OffersRequested',
  /** The guest sent UNLOAD: waiting for the host to close channels and release GPADLs before UNLOAD_RESPONSE. */
  Unloading: 'Unloading',
} as const;

/** One of the {@link ConnectionState} values. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

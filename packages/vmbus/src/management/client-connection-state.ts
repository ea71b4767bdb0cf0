/** The guest's view of its VMBus connection. */
export const ClientConnectionState = {
  /** Not connected: `connect()` starts the version negotiation. */
  Disconnected: 'Disconnected',
  /** INITIATE_CONTACT sent; waiting for VERSION_RESPONSE. */
  Contacting: 'Contacting',
  /** A version is agreed and offers were requested; channels may be used. */
  Connected: 'Connected',
  /** UNLOAD sent; waiting for UNLOAD_RESPONSE. */
  Unloading: 'Unloading',
} as const;

/** One of the {@link ClientConnectionState} values. */
export type ClientConnectionState = (typeof ClientConnectionState)[keyof typeof ClientConnectionState];

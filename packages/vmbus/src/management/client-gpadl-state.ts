/** The guest's view of one GPADL it created. */
export const ClientGpadlState = {
  /** GPADL_HEADER and its GPADL_BODY messages sent; waiting for GPADL_CREATED. */
  Creating: 'Creating',
  /** The host accepted it: it may be used, for instance as the ring buffer of an open. */
  Created: 'Created',
  /** GPADL_TEARDOWN sent; waiting for GPADL_TORNDOWN before the pages may be reused. */
  TearingDown: 'TearingDown',
} as const;

/** One of the {@link ClientGpadlState} values. */
export type ClientGpadlState = (typeof ClientGpadlState)[keyof typeof ClientGpadlState];

/** The host's view of one GPADL (guest-allocated shared pages, PROTOCOLS.md §2). */
export const GpadlState = {
  /** GPADL_HEADER arrived; GPADL_BODY messages with the rest of the PFNs are still due. */
  InProgress: 'InProgress',
  /** Every PFN arrived and was validated; the host has not accepted or refused it yet. */
  Offered: 'Offered',
  /** Offered, and the guest already asked to tear it down: torn down once the host answers. */
  OfferedTearingDown: 'OfferedTearingDown',
  /** Accepted by the host and announced to the guest with GPADL_CREATED: the pages may be mapped. */
  Accepted: 'Accepted',
  /** The guest sent GPADL_TEARDOWN; the host has not released the pages yet. */
  TearingDown: 'TearingDown',
} as const;

/** One of the {@link GpadlState} values. */
export type GpadlState = (typeof GpadlState)[keyof typeof GpadlState];

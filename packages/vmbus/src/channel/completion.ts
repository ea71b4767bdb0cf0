/** The COMPLETION packet that answered a {@link Channel.request}. */
export interface Completion {
  /** The transaction id the request carried. */
  readonly transactionId: number;
  /** The completion's payload (a copy: it stays valid). */
  readonly payload: Uint8Array;
}

/**
 * What a completion must echo: the 64-bit transaction id of the packet being completed, as two
 * u32 halves. An {@link IncomingPacket} is one; a VSP that completes later keeps these two numbers.
 */
export interface CompletionTarget {
  readonly transactionIdLow: number;
  readonly transactionIdHigh: number;
}

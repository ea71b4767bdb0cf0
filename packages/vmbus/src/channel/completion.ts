import type { ChannelClosedError } from './channel-closed-error.js';
import type { IncomingPacket } from './incoming-packet.js';

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

/**
 * Receives the answer to a request sent with {@link Channel.sendRequest}. The channel calls it
 * directly (no Observable, no copy of the payload), so a driver that keeps one receiver per request
 * slot allocates nothing per request.
 */
export interface CompletionReceiver {
  /**
   * The peer's COMPLETION of the request. `packet` (its payload: `payloadLength` bytes at
   * `payloadOffset` of `bytes`) is valid during the call only.
   */
  completed(packet: IncomingPacket): void;
  /** The channel ended (closed, revoked or faulted) before the completion came: none will. */
  abandoned(error: ChannelClosedError): void;
}

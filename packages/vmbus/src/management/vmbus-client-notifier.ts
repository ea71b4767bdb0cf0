import type { ProtocolError } from '@tsvisor/wire';
import type { OfferChannel } from '../protocol/channel-messages.js';
import type { ChannelManagementViolation } from './channel-management-violation.js';

/**
 * The effects of {@link VmbusClient}, delivered in order after each transition has been fully
 * applied, so a callback may call back into the client (tear a GPADL down from `rescinded`…).
 */
export interface VmbusClientNotifier {
  /**
   * Post `message` (a whole SynIC payload) to the host: INITIATE_CONTACT on the well-known
   * message connection id, everything after it on the id given to `connected`.
   */
  send(message: Uint8Array): void;
  /**
   * The host accepted `version`; post every later message to `messageConnectionId`. Fires
   * before REQUESTOFFERS is sent.
   */
  connected(version: number, messageConnectionId: number): void;
  /** The host accepted none of the versions: the client is Disconnected again. */
  connectFailed(): void;
  /** The host offered a channel (also later, for hot-added devices). */
  offer(offer: OfferChannel): void;
  /** Every offer present at connection time has been delivered. */
  allOffersDelivered(): void;
  /** GPADL_CREATED: `status` 0 means the GPADL may be used; otherwise it is gone. */
  gpadlCreated(gpadl: number, status: number): void;
  /** GPADL_TORNDOWN: the host no longer uses the pages; the handle is gone. */
  gpadlTornDown(gpadl: number): void;
  /** OPENCHANNEL_RESULT: `status` 0 means the channel is open. */
  openResult(relid: number, status: number): void;
  /**
   * The host withdrew channel `relid`: close it if it was open, tear its GPADLs down, then call
   * `releaseRelid(relid)`.
   */
  rescinded(relid: number): void;
  /** UNLOAD_RESPONSE: the client is Disconnected and has forgotten every channel and GPADL. */
  unloaded(): void;
  /** The host sent something malformed or unacceptable; it changed nothing (counted in `violations`). */
  violation(error: ProtocolError | ChannelManagementViolation): void;
}

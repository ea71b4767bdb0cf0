import type { ProtocolError } from '@tsvisor/wire';
import type { ChannelManagementViolation } from './channel-management-violation.js';

/** A complete, validated GPADL, as {@link VmbusServerNotifier.gpadlOffered} hands it to the host. */
export interface GpadlOfferInfo {
  /** The guest pages, in order; every one passed `memory.isDevicePfn`. */
  readonly pfns: readonly number[];
  /** Bytes described, starting {@link GpadlOfferInfo.byteOffset} bytes into the first page. */
  readonly byteCount: number;
  /** Offset of the first byte in the first page, below 4096. */
  readonly byteOffset: number;
}

/** A validated OPENCHANNEL, as {@link VmbusServerNotifier.openRequested} hands it to the host. */
export interface OpenRequest {
  /** The guest's id for this open, echoed in OPENCHANNEL_RESULT. */
  readonly openId: number;
  /** The Accepted GPADL of this channel holding both rings: guest → host ring first. */
  readonly gpadl: number;
  /** The VP the host signals the guest on for this channel. */
  readonly targetVp: number;
  /** First page of the host → guest ring inside the GPADL; each ring has at least two pages. */
  readonly downstreamRingPageOffset: number;
  /** The 120 bytes of user data of the open (the device protocol's business). */
  readonly userData: Uint8Array;
}

/**
 * The effects of {@link VmbusServer}, delivered in order after each transition has been fully
 * applied, so a callback may call back into the server (answer `gpadlOffered` with
 * `acceptGpadl`, deliver `send` to a client that answers at once…).
 */
export interface VmbusServerNotifier {
  /**
   * Post `message` (a whole SynIC payload) to the guest's VMBus SINT on the VP named by
   * {@link VmbusServer.targetVcpu}.
   */
  send(message: Uint8Array): void;
  /** A version was negotiated: the guest may now ask for offers. */
  connected(version: number): void;
  /** The guest shared these pages with channel `relid`: answer with `acceptGpadl` or `refuseGpadl`. */
  gpadlOffered(relid: number, gpadl: number, info: GpadlOfferInfo): void;
  /** The guest opens channel `relid`: answer with `completeOpen(relid, status)`. */
  openRequested(relid: number, request: OpenRequest): void;
  /**
   * Channel `relid` must stop using its rings (guest CLOSECHANNEL, rescind of an open channel, or
   * UNLOAD): answer with `completeClose(relid)` once it has.
   */
  closeRequested(relid: number): void;
  /** The guest takes GPADL `gpadl` back: answer with `completeGpadlTeardown(gpadl)` once it is unmapped. */
  gpadlTeardownRequested(relid: number, gpadl: number): void;
  /**
   * A rescinded channel is gone on both sides (the guest released it, or unloaded, and the host
   * owes nothing): `relid` is free again, or, if the device was re-offered, offered again now.
   */
  relidReleased(relid: number): void;
  /** UNLOAD completed: UNLOAD_RESPONSE was sent and the connection is Disconnected. */
  unloaded(): void;
  /** The guest sent something malformed or unacceptable; it changed nothing (counted in `violations`). */
  violation(error: ProtocolError | ChannelManagementViolation): void;
}

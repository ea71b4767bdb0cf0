import type { GuestMemory } from '@tsvisor/hypervisor-core';
import { PAGE_SIZE, SYNIC_EVENT_FLAGS_PER_SINT } from '@tsvisor/hypervisor-core/guest';
import { ProtocolError, type Guid, type Layout } from '@tsvisor/wire';
import { VMBUS_MESSAGE_CONNECTION_ID } from '../protocol/message-connection.js';
import {
  AllOffersDelivered,
  ChannelMessageType as T,
  ChannelOffer,
  CloseChannel,
  GPADL_BODY_MAX_PFNS,
  GpadlBody,
  GpadlCreated,
  GpadlTeardown,
  GpadlTorndown,
  InitiateContact,
  OfferChannel,
  OpenChannel,
  OpenChannelResult,
  RelidReleased,
  RequestOffers,
  RescindChannelOffer,
  Unload,
  UnloadResponse,
  VMBUS_MESSAGE_SINT,
  VMBUS_VERSIONS,
  VersionResponse,
  VmbusVersion,
} from '../protocol/channel-messages.js';
import { RING_CONTROL_PAGE_SIZE } from '../protocol/ring-control.js';
import { ChannelManagementViolation } from './channel-management-violation.js';
import {
  decodeExact,
  decodeGpadlHeader,
  decodeWithPfns,
  readMessageType,
  type GpadlHeaderMessage,
  type MessageWithPfns,
} from './channel-message-frame.js';
import { ChannelState } from './channel-state.js';
import { ConnectionState } from './connection-state.js';
import { GpadlState } from './gpadl-state.js';
import { NtStatus } from './nt-status.js';
import { ServerStateError } from './server-state-error.js';
import type { GpadlOfferInfo, OpenRequest, VmbusServerNotifier } from './vmbus-server-notifier.js';

export type { GpadlOfferInfo, OpenRequest, VmbusServerNotifier } from './vmbus-server-notifier.js';

/** Default {@link VmbusServerOptions.maxGpadls}. */
export const DEFAULT_MAX_GPADLS = 256;
/** Default {@link VmbusServerOptions.maxGpadlPages}. */
export const DEFAULT_MAX_GPADL_PAGES = 65_536;
/** A channel's default connection id (its event port) is this plus its relid. */
export const CHANNEL_CONNECTION_ID_BASE = 0x1_0000;
/** Highest relid: relids are bit numbers in the guest's 2048 event flags of the VMBus SINT. */
export const MAX_RELID = SYNIC_EVENT_FLAGS_PER_SINT - 1;
/** Pages a ring needs at least: its control page and one data page. */
const RING_MIN_PAGES = RING_CONTROL_PAGE_SIZE / PAGE_SIZE + 1;

/** Configuration of a {@link VmbusServer}. */
export interface VmbusServerOptions {
  /** The guest's memory: only pages for which `isDevicePfn` is true may be shared in a GPADL. */
  readonly memory: Pick<GuestMemory, 'isDevicePfn'>;
  /** Versions the host accepts in INITIATE_CONTACT (default {@link VMBUS_VERSIONS}: 5.3 down to 2.4). */
  readonly versions?: readonly number[];
  /** Most GPADLs the guest may hold at once, in any state (default {@link DEFAULT_MAX_GPADLS}). */
  readonly maxGpadls?: number;
  /** Most pages all the guest's GPADLs may describe together (default {@link DEFAULT_MAX_GPADL_PAGES}). */
  readonly maxGpadlPages?: number;
  /** Connection id the guest posts messages to, returned in VERSION_RESPONSE.msgConnId (default 1). */
  readonly messageConnectionId?: number;
}

/** What {@link VmbusServer.offer} offers. */
export interface ChannelOfferSpec {
  /** The device class: the interface type GUID. */
  readonly interfaceType: Guid;
  /** This device: the interface instance GUID (shared by a primary channel and its sub-channels). */
  readonly interfaceInstance: Guid;
  /** Offer flags, e.g. `ChannelFlag.NAMED_PIPE_MODE` (default 0). */
  readonly channelFlags?: number;
  /** MMIO space the device wants, in MiB (default 0). */
  readonly mmioMegabytes?: number;
  /** Up to 120 bytes for the device protocol (default zeros). */
  readonly userDefined?: Uint8Array;
  /** 0 for a primary channel, 1..n for its sub-channels (default 0). */
  readonly subChannelIndex?: number;
  /**
   * The channel's connection id: the event port the transport grants so the guest can signal the
   * host (default {@link CHANNEL_CONNECTION_ID_BASE} + relid).
   */
  readonly connectionId?: number;
}

/** What the host must still do for a channel: answer `openRequested` or `closeRequested`. */
export type HostAnswer = 'open' | 'close';

/** A read-only view of one channel, from {@link VmbusServer.channel}. */
export interface ServerChannelInfo {
  readonly relid: number;
  readonly state: ChannelState;
  /** The offer as sent in OFFERCHANNEL (GUIDs in canonical lowercase form). */
  readonly offer: ChannelOffer;
  /** The channel's connection id (its event port). */
  readonly connectionId: number;
  /** The host call the server waits for, if any: `completeOpen` or `completeClose`. */
  readonly awaitingHost: HostAnswer | undefined;
  /** The open being served (Opening, Open, Closing, ClosingReopen; Revoked while the host closes it). */
  readonly openRequest: OpenRequest | undefined;
  /** Revoked or Reoffered, and the guest already let the relid go (only the host's close is due). */
  readonly released: boolean;
}

/** A read-only view of one GPADL, from {@link VmbusServer.gpadl}. */
export interface ServerGpadlInfo extends GpadlOfferInfo {
  /** The channel it belongs to. */
  readonly relid: number;
  readonly state: GpadlState;
  /** Pages it describes; `pfns` holds fewer while InProgress. */
  readonly pageCount: number;
}

interface Channel {
  readonly relid: number;
  state: ChannelState;
  offer: ChannelOffer;
  connectionId: number;
  awaitingHost: HostAnswer | undefined;
  /** See {@link ServerChannelInfo.openRequest}. */
  request: OpenRequest | undefined;
  /** ClosingReopen: the open to serve once the close is done. */
  reopen: OpenRequest | undefined;
  /** Revoked while the guest had it open (or opening): one CLOSECHANNEL is still welcome. */
  guestMayClose: boolean;
  /** Revoked: the guest released the relid (RELID_RELEASED, or UNLOAD). */
  guestReleased: boolean;
  /** Reoffered: the offer to make once the relid is released. */
  reoffer: { readonly offer: ChannelOffer; readonly connectionId: number | undefined } | undefined;
}

interface Gpadl {
  readonly handle: number;
  readonly relid: number;
  state: GpadlState;
  readonly byteCount: number;
  readonly byteOffset: number;
  readonly pageCount: number;
  readonly pfns: number[];
  /** The `msgNumber` the next GPADL_BODY must carry. */
  nextMessage: number;
}

/** Channel states in which the guest knows the channel and may share pages with it. */
const GPADL_CHANNEL_STATES: ReadonlySet<ChannelState> = new Set([
  ChannelState.Closed,
  ChannelState.Opening,
  ChannelState.Open,
  ChannelState.Closing,
  ChannelState.ClosingReopen,
]);

/**
 * The host side of VMBus channel management (PROTOCOLS.md §2), as a state machine that performs
 * no I/O: guest messages come in through {@link VmbusServer.receive}, host decisions through the
 * host API (`offer`, `acceptGpadl`, `completeOpen`…), and every effect goes out through the
 * {@link VmbusServerNotifier}.
 *
 * Guest input is hostile. `receive` never throws: a malformed message is a `ProtocolError`, a
 * well-formed one that is unacceptable where it arrives is a {@link ChannelManagementViolation};
 * either is reported to `notifier.violation`, counted, and changes nothing. Requests the guest
 * waits on still get a failure answer when the refusal is about what they name or carry, so a
 * confused guest does not hang:
 *
 * - OPENCHANNEL for a channel that is not offered or is rescinded, or naming a GPADL that is not
 *   Accepted, belongs to another channel, is not whole pages, or leaves a ring smaller than two
 *   pages: OPENCHANNEL_RESULT with a failure status; the channel stays as it was.
 * - GPADL_HEADER for a channel that is not offered or is rescinded, beyond a limit, or with a PFN
 *   the guest may not share: GPADL_CREATED with a failure status. A GPADL_BODY with such a PFN
 *   gets the same and drops the partial GPADL (its later bodies are then violations).
 * - Duplicates (a handle in use, a second open) and out-of-order messages get no answer: an
 *   answer would read as the answer to the original request.
 *
 * Numbering and ids: GPADL_BODY messages of a GPADL carry `msgNumber` 1, 2, 3… in order; relids
 * run from 1 to {@link MAX_RELID}, lowest free first, and a relid the guest has seen is only
 * reused after the guest released it.
 */
export class VmbusServer {
  private connection: ConnectionState = ConnectionState.Disconnected;
  private negotiatedVersion: number | undefined;
  private guestVcpu: number | undefined;
  private readonly channels = new Map<number, Channel>();
  private readonly gpadls = new Map<number, Gpadl>();
  /** Pages described by all GPADLs, counted from their GPADL_HEADER. */
  private gpadlPages = 0;
  private violationCount = 0;
  private readonly versions: readonly number[];
  private readonly maxGpadls: number;
  private readonly maxGpadlPages: number;
  private readonly messageConnectionId: number;
  private readonly memory: Pick<GuestMemory, 'isDevicePfn'>;
  /** Effects of transitions already applied, delivered in order by {@link VmbusServer.flush}. */
  private readonly effects: (() => void)[] = [];
  private flushing = false;

  /**
   * @param options - Guest memory and limits.
   * @param notifier - Where effects go.
   * @throws RangeError if a limit is not a positive integer or `versions` is empty.
   */
  constructor(
    options: VmbusServerOptions,
    private readonly notifier: VmbusServerNotifier,
  ) {
    this.memory = options.memory;
    this.versions = [...(options.versions ?? VMBUS_VERSIONS)];
    this.maxGpadls = options.maxGpadls ?? DEFAULT_MAX_GPADLS;
    this.maxGpadlPages = options.maxGpadlPages ?? DEFAULT_MAX_GPADL_PAGES;
    this.messageConnectionId = options.messageConnectionId ?? VMBUS_MESSAGE_CONNECTION_ID;
    if (this.versions.length === 0) throw new RangeError('the server must accept at least one version');
    for (const [name, value] of [
      ['maxGpadls', this.maxGpadls],
      ['maxGpadlPages', this.maxGpadlPages],
      ['messageConnectionId', this.messageConnectionId],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 0xffff_ffff) {
        throw new RangeError(`${name} must be a positive u32, got ${value}`);
      }
    }
  }

  // ---------------------------------------------------------------- introspection

  /** The connection's state. */
  get connectionState(): ConnectionState {
    return this.connection;
  }

  /** The negotiated version (`major << 16 | minor`), while connected. */
  get version(): number | undefined {
    return this.negotiatedVersion;
  }

  /**
   * The VP the guest wants its VMBus messages on: `targetVcpu` of the latest INITIATE_CONTACT,
   * kept until the next one (so UNLOAD_RESPONSE still has a destination).
   */
  get targetVcpu(): number | undefined {
    return this.guestVcpu;
  }

  /** Guest messages refused so far. */
  get violations(): number {
    return this.violationCount;
  }

  /** Relids of every channel the server holds, ascending. */
  get relids(): number[] {
    return [...this.channels.keys()].sort((a, b) => a - b);
  }

  /** Handles of every GPADL the server holds, ascending. */
  get gpadlHandles(): number[] {
    return [...this.gpadls.keys()].sort((a, b) => a - b);
  }

  /** The state of channel `relid`, if it exists. */
  channelState(relid: number): ChannelState | undefined {
    return this.channels.get(relid)?.state;
  }

  /** A snapshot of channel `relid`, if it exists. */
  channel(relid: number): ServerChannelInfo | undefined {
    const channel = this.channels.get(relid);
    if (!channel) return undefined;
    return {
      relid,
      state: channel.state,
      offer: channel.offer,
      connectionId: channel.connectionId,
      awaitingHost: channel.awaitingHost,
      openRequest: channel.request,
      released: channel.guestReleased,
    };
  }

  /**
   * The connection id (event port) of channel `relid`, which the transport grants to the guest
   * so it can signal the host end.
   * @throws ServerStateError if there is no such channel.
   */
  connectionIdOf(relid: number): number {
    const channel = this.channels.get(relid);
    if (!channel) throw new ServerStateError(`connectionIdOf(${relid})`, `there is no channel ${relid}`);
    return channel.connectionId;
  }

  /** The state of GPADL `gpadl`, if it exists. */
  gpadlState(gpadl: number): GpadlState | undefined {
    return this.gpadls.get(gpadl)?.state;
  }

  /** A snapshot of GPADL `gpadl`, if it exists. */
  gpadl(gpadl: number): ServerGpadlInfo | undefined {
    const record = this.gpadls.get(gpadl);
    if (!record) return undefined;
    return {
      relid: record.relid,
      state: record.state,
      pfns: [...record.pfns],
      byteCount: record.byteCount,
      byteOffset: record.byteOffset,
      pageCount: record.pageCount,
    };
  }

  // ---------------------------------------------------------------- guest messages

  /**
   * Handles one message from the guest: exactly the payload bytes of one SynIC message.
   * Never throws for any input (exceptions thrown by the notifier propagate).
   */
  receive(bytes: Uint8Array): void {
    try {
      this.dispatch(bytes);
    } catch (error) {
      if (!(error instanceof ProtocolError || error instanceof ChannelManagementViolation)) throw error;
      this.refuse(error);
    }
    this.flush();
  }

  private dispatch(bytes: Uint8Array): void {
    const type = readMessageType(bytes);
    switch (type) {
      case T.INITIATE_CONTACT:
        return this.onInitiateContact(decodeExact(InitiateContact, bytes));
      case T.REQUESTOFFERS:
        decodeExact(RequestOffers, bytes);
        return this.onRequestOffers();
      case T.OPENCHANNEL:
        return this.onOpenChannel(decodeExact(OpenChannel, bytes));
      case T.CLOSECHANNEL:
        return this.onCloseChannel(decodeExact(CloseChannel, bytes));
      case T.GPADL_HEADER:
        return this.onGpadlHeader(decodeGpadlHeader(bytes));
      case T.GPADL_BODY:
        return this.onGpadlBody(decodeWithPfns(GpadlBody, bytes, GPADL_BODY_MAX_PFNS));
      case T.GPADL_TEARDOWN:
        return this.onGpadlTeardown(decodeExact(GpadlTeardown, bytes));
      case T.RELID_RELEASED:
        return this.onRelidReleased(decodeExact(RelidReleased, bytes));
      case T.UNLOAD:
        decodeExact(Unload, bytes);
        return this.onUnload();
      default:
        throw notAGuestMessage(type);
    }
  }

  private onInitiateContact(message: InitiateContact): void {
    if (this.connection !== ConnectionState.Disconnected) {
      throw this.violation(T.INITIATE_CONTACT, this.connection, 'INITIATE_CONTACT while connected: UNLOAD comes first');
    }
    const version = message.vmbusVersionRequested;
    // From 5.0 on the guest names its message SINT and VTL; before, those bytes are an interrupt page we ignore.
    const accepted =
      this.versions.includes(version) &&
      (version < VmbusVersion.V5_0 || (message.msgSint === VMBUS_MESSAGE_SINT && message.msgVtl === 0));
    this.guestVcpu = message.targetVcpu;
    if (!accepted) {
      // Negotiation, not a violation: the guest tries its next version.
      this.sendToGuest(VersionResponse, {
        msgtype: T.VERSION_RESPONSE,
        versionSupported: 0,
        connectionState: 0,
        msgConnId: 0,
      });
      return;
    }
    this.connection = ConnectionState.Connected;
    this.negotiatedVersion = version;
    this.sendToGuest(VersionResponse, {
      msgtype: T.VERSION_RESPONSE,
      versionSupported: 1,
      connectionState: 0,
      msgConnId: this.messageConnectionId,
    });
    this.effects.push(() => this.notifier.connected(version));
  }

  private onRequestOffers(): void {
    if (this.connection !== ConnectionState.Connected) {
      throw this.violation(T.REQUESTOFFERS, this.connection, 'REQUESTOFFERS is only accepted once, after INITIATE_CONTACT');
    }
    this.connection = ConnectionState.OffersRequested;
    // Primary channels first, so a guest never sees a sub-channel before its primary.
    const waiting = [...this.channels.values()].filter((channel) => channel.state === ChannelState.ClientReleased);
    waiting.sort((a, b) => a.offer.subChannelIndex - b.offer.subChannelIndex || a.relid - b.relid);
    for (const channel of waiting) this.sendOffer(channel);
    this.sendToGuest(AllOffersDelivered, { msgtype: T.ALLOFFERS_DELIVERED });
  }

  private onOpenChannel(message: OpenChannel): void {
    const relid = message.childRelid;
    this.requireConnection(T.OPENCHANNEL, { relid });
    const request: OpenRequest = {
      openId: message.openId,
      gpadl: message.ringBufferGpadlHandle,
      targetVp: message.targetVp,
      downstreamRingPageOffset: message.downstreamRingBufferPageOffset,
      userData: message.userData,
    };
    const channel = this.channels.get(relid);
    const refuseOpen = (problem: string, state: string, status: number): void => {
      this.refuse(this.violation(T.OPENCHANNEL, state, problem, { relid, gpadl: request.gpadl }));
      this.sendOpenResult(relid, request.openId, status);
    };
    if (!channel || channel.state === ChannelState.ClientReleased) {
      return refuseOpen(`channel ${relid} is not offered`, channel?.state ?? 'absent', NtStatus.DEVICE_NOT_CONNECTED);
    }
    switch (channel.state) {
      case ChannelState.Closed:
      case ChannelState.Closing: {
        const problem = this.openProblem(channel, request);
        if (problem) return refuseOpen(problem, channel.state, NtStatus.INVALID_PARAMETER);
        if (channel.state === ChannelState.Closing) {
          channel.state = ChannelState.ClosingReopen;
          channel.reopen = request;
        } else {
          this.requestOpen(channel, request);
        }
        return;
      }
      case ChannelState.Revoked:
      case ChannelState.Reoffered:
        return refuseOpen(`channel ${relid} is rescinded`, channel.state, NtStatus.DEVICE_NOT_CONNECTED);
      default:
        throw this.violation(T.OPENCHANNEL, channel.state, `channel ${relid} is already ${channel.state}`, { relid });
    }
  }

  private onCloseChannel(message: CloseChannel): void {
    const relid = message.childRelid;
    this.requireConnection(T.CLOSECHANNEL, { relid });
    const channel = this.channels.get(relid);
    if (channel?.state === ChannelState.Open) {
      channel.state = ChannelState.Closing;
      channel.awaitingHost = 'close';
      this.effects.push(() => this.notifier.closeRequested(relid));
    } else if (channel && isRescinded(channel) && channel.guestMayClose) {
      // The guest closes what it had open before the rescind; the rescind already closed the host side.
      channel.guestMayClose = false;
    } else {
      throw this.violation(T.CLOSECHANNEL, channel?.state ?? 'absent', `channel ${relid} is not open`, { relid });
    }
  }

  private onGpadlHeader({ message, pfns, pageCount }: GpadlHeaderMessage): void {
    const { childRelid: relid, gpadl: handle, range } = message;
    this.requireConnection(T.GPADL_HEADER, { relid, gpadl: handle });
    if (handle === 0) throw this.violation(T.GPADL_HEADER, 'absent', 'GPADL handle 0 is reserved', { relid, gpadl: 0 });
    const existing = this.gpadls.get(handle);
    if (existing) {
      throw this.violation(T.GPADL_HEADER, existing.state, `GPADL handle ${handle} is in use`, { relid, gpadl: handle });
    }
    const refuseGpadl = (problem: string, state: string, status: number): void => {
      this.refuse(this.violation(T.GPADL_HEADER, state, problem, { relid, gpadl: handle }));
      this.sendGpadlCreated(relid, handle, status);
    };
    const channel = this.channels.get(relid);
    if (!channel || !GPADL_CHANNEL_STATES.has(channel.state)) {
      return refuseGpadl(`channel ${relid} is not offered`, channel?.state ?? 'absent', NtStatus.DEVICE_NOT_CONNECTED);
    }
    if (this.gpadls.size >= this.maxGpadls) {
      return refuseGpadl(`the guest holds ${this.gpadls.size} GPADLs, the most allowed`, channel.state, NtStatus.INSUFFICIENT_RESOURCES);
    }
    if (this.gpadlPages + pageCount > this.maxGpadlPages) {
      return refuseGpadl(
        `${pageCount} more pages exceed the ${this.maxGpadlPages}-page budget (${this.gpadlPages} in use)`,
        channel.state,
        NtStatus.INSUFFICIENT_RESOURCES,
      );
    }
    const bad = pfns.find((pfn) => !this.isSharablePage(pfn));
    if (bad !== undefined) {
      return refuseGpadl(`PFN ${bad} is not guest RAM a device may map`, channel.state, NtStatus.INVALID_PARAMETER);
    }
    const gpadl: Gpadl = {
      handle,
      relid,
      state: GpadlState.InProgress,
      byteCount: range.byteCount,
      byteOffset: range.byteOffset,
      pageCount,
      pfns,
      nextMessage: 1,
    };
    this.gpadls.set(handle, gpadl);
    this.gpadlPages += pageCount;
    if (pfns.length === pageCount) this.offerGpadl(gpadl);
  }

  private onGpadlBody({ message, pfns }: MessageWithPfns<GpadlBody>): void {
    const handle = message.gpadl;
    this.requireConnection(T.GPADL_BODY, { gpadl: handle });
    const gpadl = this.gpadls.get(handle);
    if (gpadl?.state !== GpadlState.InProgress) {
      throw this.violation(T.GPADL_BODY, gpadl?.state ?? 'absent', `GPADL ${handle} is not being described`, { gpadl: handle });
    }
    const ids = { relid: gpadl.relid, gpadl: handle };
    if (message.msgNumber !== gpadl.nextMessage) {
      throw this.violation(T.GPADL_BODY, gpadl.state, `msgNumber ${message.msgNumber} where ${gpadl.nextMessage} is due`, ids);
    }
    const due = Math.min(gpadl.pageCount - gpadl.pfns.length, GPADL_BODY_MAX_PFNS);
    if (pfns.length !== due) {
      throw this.violation(T.GPADL_BODY, gpadl.state, `${pfns.length} PFNs where ${due} are due`, ids);
    }
    const bad = pfns.find((pfn) => !this.isSharablePage(pfn));
    if (bad !== undefined) {
      this.refuse(this.violation(T.GPADL_BODY, gpadl.state, `PFN ${bad} is not guest RAM a device may map`, ids));
      this.dropGpadl(gpadl);
      this.sendGpadlCreated(gpadl.relid, handle, NtStatus.INVALID_PARAMETER);
      return;
    }
    gpadl.pfns.push(...pfns);
    gpadl.nextMessage++;
    if (gpadl.pfns.length === gpadl.pageCount) this.offerGpadl(gpadl);
  }

  private onGpadlTeardown(message: GpadlTeardown): void {
    const { childRelid: relid, gpadl: handle } = message;
    this.requireConnection(T.GPADL_TEARDOWN, { relid, gpadl: handle });
    const gpadl = this.gpadls.get(handle);
    const ids = { relid, gpadl: handle };
    if (!gpadl) throw this.violation(T.GPADL_TEARDOWN, 'absent', `GPADL ${handle} does not exist`, ids);
    if (gpadl.relid !== relid) {
      throw this.violation(T.GPADL_TEARDOWN, gpadl.state, `GPADL ${handle} belongs to channel ${gpadl.relid}`, ids);
    }
    if (gpadl.state === GpadlState.Accepted) {
      gpadl.state = GpadlState.TearingDown;
      this.effects.push(() => this.notifier.gpadlTeardownRequested(relid, handle));
    } else if (gpadl.state === GpadlState.Offered) {
      gpadl.state = GpadlState.OfferedTearingDown;
    } else {
      throw this.violation(T.GPADL_TEARDOWN, gpadl.state, `GPADL ${handle} cannot be torn down while ${gpadl.state}`, ids);
    }
  }

  private onRelidReleased(message: RelidReleased): void {
    const relid = message.childRelid;
    this.requireConnection(T.RELID_RELEASED, { relid });
    const channel = this.channels.get(relid);
    if (!channel || !isRescinded(channel) || channel.guestReleased) {
      const state = channel?.state ?? 'absent';
      throw this.violation(T.RELID_RELEASED, state, `channel ${relid} is not waiting for its release`, { relid });
    }
    const held = [...this.gpadls.values()].filter((gpadl) => gpadl.relid === relid).length;
    if (held > 0) {
      throw this.violation(T.RELID_RELEASED, channel.state, `${held} GPADLs of channel ${relid} are still there`, { relid });
    }
    channel.guestReleased = true;
    this.releaseIfDone(channel);
  }

  /**
   * UNLOAD: the guest forgets every channel and GPADL. Open channels get `closeRequested`,
   * Accepted GPADLs `gpadlTeardownRequested`; UNLOAD_RESPONSE goes out once the host has
   * answered everything it owes, and every channel still offered is then ClientReleased.
   */
  private onUnload(): void {
    this.requireConnection(T.UNLOAD, {});
    this.connection = ConnectionState.Unloading;
    for (const channel of this.channels.values()) {
      switch (channel.state) {
        case ChannelState.Closed:
          channel.state = ChannelState.ClientReleased;
          break;
        case ChannelState.Open:
          channel.state = ChannelState.Closing;
          channel.awaitingHost = 'close';
          this.effects.push(() => this.notifier.closeRequested(channel.relid));
          break;
        case ChannelState.ClosingReopen:
          channel.state = ChannelState.Closing;
          channel.reopen = undefined;
          break;
        case ChannelState.Revoked:
        case ChannelState.Reoffered:
          channel.guestReleased = true;
          channel.guestMayClose = false;
          this.releaseIfDone(channel);
          break;
        default:
          // ClientReleased needs nothing; Opening and Closing wait for the host.
          break;
      }
    }
    for (const gpadl of this.gpadls.values()) {
      if (gpadl.state === GpadlState.InProgress) {
        this.dropGpadl(gpadl);
      } else if (gpadl.state === GpadlState.Accepted) {
        gpadl.state = GpadlState.TearingDown;
        this.effects.push(() => this.notifier.gpadlTeardownRequested(gpadl.relid, gpadl.handle));
      }
      // Offered GPADLs wait for the host's answer; TearingDown ones for its completion.
    }
    this.finishUnloadIfDone();
  }

  // ---------------------------------------------------------------- host API

  /**
   * Offers a channel. The guest sees OFFERCHANNEL at once if it has asked for offers, otherwise
   * when it does. Offering the same device (type, instance, sub-channel index) as a Revoked
   * channel re-offers it: the channel waits in Reoffered and is offered again, under the same
   * relid, once the guest has released the old one.
   * @returns The channel's relid.
   * @throws ProtocolError if a field does not fit its wire type (a bad GUID, more than 120 user bytes…).
   * @throws ServerStateError if the device is already offered, the connection id is taken, or no relid is free.
   */
  offer(spec: ChannelOfferSpec): number {
    const offer = canonicalOffer(spec);
    const same = [...this.channels.values()].find((channel) => sameDevice(channel.reoffer?.offer ?? channel.offer, offer));
    const operation = `offer ${offer.interfaceType}/${offer.interfaceInstance}#${offer.subChannelIndex}`;
    if (same) {
      if (same.state !== ChannelState.Revoked) {
        throw new ServerStateError(operation, `channel ${same.relid} offers it already (${same.state})`);
      }
      this.checkConnectionId(operation, spec.connectionId ?? CHANNEL_CONNECTION_ID_BASE + same.relid, same);
      same.state = ChannelState.Reoffered;
      same.reoffer = { offer, connectionId: spec.connectionId };
      return same.relid;
    }
    const relid = this.freeRelid(operation);
    const connectionId = spec.connectionId ?? CHANNEL_CONNECTION_ID_BASE + relid;
    this.checkConnectionId(operation, connectionId, undefined);
    const channel: Channel = {
      relid,
      state: ChannelState.ClientReleased,
      offer,
      connectionId,
      awaitingHost: undefined,
      request: undefined,
      reopen: undefined,
      guestMayClose: false,
      guestReleased: false,
      reoffer: undefined,
    };
    this.channels.set(relid, channel);
    if (this.connection === ConnectionState.OffersRequested) this.sendOffer(channel);
    this.flush();
    return relid;
  }

  /**
   * Withdraws channel `relid` (hot remove). A channel the guest never saw is forgotten at once.
   * Otherwise the guest gets RESCIND_CHANNELOFFER and the channel is Revoked until the guest
   * sends RELID_RELEASED, then `relidReleased` fires. If the host side is open, `closeRequested`
   * fires like for a guest close (answer `completeClose`); an open still pending is answered with
   * `completeOpen` as usual, and a success is then followed by `closeRequested`. The guest gets
   * no OPENCHANNEL_RESULT for a rescinded channel.
   * @throws ServerStateError if the channel does not exist or is already rescinded.
   */
  rescind(relid: number): void {
    const channel = this.channels.get(relid);
    const operation = `rescind(${relid})`;
    if (!channel) throw new ServerStateError(operation, `there is no channel ${relid}`);
    if (channel.state === ChannelState.ClientReleased) {
      this.channels.delete(relid);
      return;
    }
    if (isRescinded(channel)) throw new ServerStateError(operation, `channel ${relid} is already ${channel.state}`);
    // While unloading, the guest has already forgotten the channel: nothing to tell it.
    const guestKnows = this.connection !== ConnectionState.Unloading;
    if (guestKnows) this.sendToGuest(RescindChannelOffer, { msgtype: T.RESCIND_CHANNELOFFER, childRelid: relid });
    channel.guestMayClose = guestKnows && channel.state !== ChannelState.Closed && channel.state !== ChannelState.Closing;
    if (channel.state === ChannelState.Open) {
      channel.awaitingHost = 'close';
      this.effects.push(() => this.notifier.closeRequested(relid));
    }
    channel.reopen = undefined;
    channel.state = ChannelState.Revoked;
    channel.guestReleased = !guestKnows;
    this.releaseIfDone(channel);
    this.finishUnloadIfDone();
    this.flush();
  }

  /**
   * Accepts an Offered GPADL: the guest gets GPADL_CREATED with status 0 and the pages may be
   * mapped. If the guest already asked to tear it down (or is unloading), `gpadlTeardownRequested`
   * follows at once.
   * @throws ServerStateError unless the GPADL is Offered or OfferedTearingDown.
   */
  acceptGpadl(gpadl: number): void {
    const record = this.offeredGpadl(`acceptGpadl(${gpadl})`, gpadl);
    const unloading = this.connection === ConnectionState.Unloading;
    if (!unloading) this.sendGpadlCreated(record.relid, gpadl, NtStatus.SUCCESS);
    if (record.state === GpadlState.Offered && !unloading) {
      record.state = GpadlState.Accepted;
    } else {
      record.state = GpadlState.TearingDown;
      this.effects.push(() => this.notifier.gpadlTeardownRequested(record.relid, gpadl));
    }
    this.flush();
  }

  /**
   * Refuses an Offered GPADL: the guest gets GPADL_CREATED with `status` (and GPADL_TORNDOWN if
   * it had asked to tear it down) and the GPADL is forgotten.
   * @param status - A non-zero NTSTATUS, e.g. {@link NtStatus.INSUFFICIENT_RESOURCES}.
   * @throws RangeError if `status` is 0 or not a u32; ServerStateError unless the GPADL is Offered or OfferedTearingDown.
   */
  refuseGpadl(gpadl: number, status: number): void {
    checkFailureStatus(status);
    const record = this.offeredGpadl(`refuseGpadl(${gpadl})`, gpadl);
    this.dropGpadl(record);
    if (this.connection !== ConnectionState.Unloading) {
      this.sendGpadlCreated(record.relid, gpadl, status);
      if (record.state === GpadlState.OfferedTearingDown) this.sendToGuest(GpadlTorndown, { msgtype: T.GPADL_TORNDOWN, gpadl });
    }
    this.finishUnloadIfDone();
    this.flush();
  }

  /**
   * The host no longer uses GPADL `gpadl`: the guest gets GPADL_TORNDOWN (unless it is unloading)
   * and the handle is free again.
   * @throws ServerStateError unless the GPADL is TearingDown.
   */
  completeGpadlTeardown(gpadl: number): void {
    const record = this.gpadls.get(gpadl);
    if (record?.state !== GpadlState.TearingDown) {
      throw new ServerStateError(`completeGpadlTeardown(${gpadl})`, `GPADL ${gpadl} is ${record?.state ?? 'absent'}`);
    }
    this.dropGpadl(record);
    if (this.connection !== ConnectionState.Unloading) this.sendToGuest(GpadlTorndown, { msgtype: T.GPADL_TORNDOWN, gpadl });
    this.finishUnloadIfDone();
    this.flush();
  }

  /**
   * Answers `openRequested`. Status 0 opens the channel and the guest gets OPENCHANNEL_RESULT 0;
   * any other status refuses it (the guest gets that status, the channel is Closed). If the
   * channel was rescinded or the guest unloaded meanwhile, the guest gets nothing and a success
   * is followed by `closeRequested`.
   * @throws RangeError if `status` is not a u32; ServerStateError unless an open of `relid` is pending.
   */
  completeOpen(relid: number, status: number): void {
    checkStatus(status);
    const channel = this.channels.get(relid);
    if (channel?.awaitingHost !== 'open') {
      throw new ServerStateError(`completeOpen(${relid})`, `no open of channel ${relid} is pending`);
    }
    channel.awaitingHost = undefined;
    const openId = channel.request!.openId;
    if (status !== NtStatus.SUCCESS) channel.request = undefined;
    if (channel.state === ChannelState.Opening && this.connection !== ConnectionState.Unloading) {
      channel.state = status === NtStatus.SUCCESS ? ChannelState.Open : ChannelState.Closed;
      this.sendOpenResult(relid, openId, status);
    } else if (status === NtStatus.SUCCESS) {
      // Rescinded or unloading: the open side must be closed again.
      if (channel.state === ChannelState.Opening) channel.state = ChannelState.Closing;
      channel.awaitingHost = 'close';
      this.effects.push(() => this.notifier.closeRequested(relid));
    } else if (channel.state === ChannelState.Opening) {
      channel.state = ChannelState.ClientReleased;
    } else {
      this.releaseIfDone(channel);
    }
    this.finishUnloadIfDone();
    this.flush();
  }

  /**
   * Answers `closeRequested`: the host no longer uses the channel's rings. The channel is Closed
   * (ClientReleased while unloading); an open the guest asked for meanwhile (ClosingReopen) is
   * now passed on with `openRequested`, or refused with OPENCHANNEL_RESULT if its GPADL went away.
   * @throws ServerStateError unless a close of `relid` is pending.
   */
  completeClose(relid: number): void {
    const channel = this.channels.get(relid);
    if (channel?.awaitingHost !== 'close') {
      throw new ServerStateError(`completeClose(${relid})`, `no close of channel ${relid} is pending`);
    }
    channel.awaitingHost = undefined;
    channel.request = undefined;
    const reopen = channel.reopen;
    channel.reopen = undefined;
    if (channel.state === ChannelState.Closing) {
      channel.state = this.connection === ConnectionState.Unloading ? ChannelState.ClientReleased : ChannelState.Closed;
    } else if (channel.state === ChannelState.ClosingReopen) {
      channel.state = ChannelState.Closed;
      if (this.openProblem(channel, reopen!) === undefined) {
        this.requestOpen(channel, reopen!);
      } else {
        this.sendOpenResult(relid, reopen!.openId, NtStatus.INVALID_PARAMETER);
      }
    } else {
      this.releaseIfDone(channel);
    }
    this.finishUnloadIfDone();
    this.flush();
  }

  // ---------------------------------------------------------------- transitions and effects

  private sendOffer(channel: Channel): void {
    channel.state = ChannelState.Closed;
    this.sendToGuest(OfferChannel, {
      msgtype: T.OFFERCHANNEL,
      offer: channel.offer,
      childRelid: channel.relid,
      // No monitor pages: the guest signals through the channel's connection id.
      monitorId: 0,
      monitorAllocated: 0,
      isDedicatedInterrupt: 1,
      connectionId: channel.connectionId,
    });
  }

  private requestOpen(channel: Channel, request: OpenRequest): void {
    channel.state = ChannelState.Opening;
    channel.awaitingHost = 'open';
    channel.request = request;
    this.effects.push(() => this.notifier.openRequested(channel.relid, request));
  }

  private offerGpadl(gpadl: Gpadl): void {
    gpadl.state = GpadlState.Offered;
    const info: GpadlOfferInfo = { pfns: [...gpadl.pfns], byteCount: gpadl.byteCount, byteOffset: gpadl.byteOffset };
    this.effects.push(() => this.notifier.gpadlOffered(gpadl.relid, gpadl.handle, info));
  }

  private dropGpadl(gpadl: Gpadl): void {
    this.gpadls.delete(gpadl.handle);
    this.gpadlPages -= gpadl.pageCount;
  }

  /** Frees (Revoked) or re-offers (Reoffered) a rescinded channel once guest and host are both done with it. */
  private releaseIfDone(channel: Channel): void {
    if (!channel.guestReleased || channel.awaitingHost !== undefined) return;
    const { relid } = channel;
    this.effects.push(() => this.notifier.relidReleased(relid));
    if (channel.state === ChannelState.Revoked) {
      this.channels.delete(relid);
      return;
    }
    const { offer, connectionId } = channel.reoffer!;
    channel.offer = offer;
    channel.connectionId = connectionId ?? CHANNEL_CONNECTION_ID_BASE + relid;
    channel.reoffer = undefined;
    channel.guestReleased = false;
    channel.guestMayClose = false;
    channel.state = ChannelState.ClientReleased;
    if (this.connection === ConnectionState.OffersRequested) this.sendOffer(channel);
  }

  private finishUnloadIfDone(): void {
    if (this.connection !== ConnectionState.Unloading || this.gpadls.size > 0) return;
    for (const channel of this.channels.values()) if (channel.state !== ChannelState.ClientReleased) return;
    this.sendToGuest(UnloadResponse, { msgtype: T.UNLOAD_RESPONSE });
    this.connection = ConnectionState.Disconnected;
    this.negotiatedVersion = undefined;
    this.effects.push(() => this.notifier.unloaded());
  }

  private sendToGuest<V>(layout: Layout<V>, value: V): void {
    const bytes = layout.encode(value);
    this.effects.push(() => this.notifier.send(bytes));
  }

  private sendOpenResult(relid: number, openId: number, status: number): void {
    this.sendToGuest(OpenChannelResult, { msgtype: T.OPENCHANNEL_RESULT, childRelid: relid, openId, status });
  }

  private sendGpadlCreated(relid: number, gpadl: number, status: number): void {
    this.sendToGuest(GpadlCreated, { msgtype: T.GPADL_CREATED, childRelid: relid, gpadl, creationStatus: status });
  }

  private refuse(error: ProtocolError | ChannelManagementViolation): void {
    this.violationCount++;
    this.effects.push(() => this.notifier.violation(error));
  }

  /** Delivers pending effects in order; a nested call (from inside a callback) leaves it to the outer one. */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let effect = this.effects.shift(); effect; effect = this.effects.shift()) effect();
    } finally {
      this.flushing = false;
    }
  }

  // ---------------------------------------------------------------- checks

  private violation(
    messageType: number,
    state: string,
    problem: string,
    ids: { relid?: number; gpadl?: number } = {},
  ): ChannelManagementViolation {
    return new ChannelManagementViolation(problem, { messageType, state, ...ids });
  }

  /** Channel and GPADL messages need a negotiated connection that is not unloading. */
  private requireConnection(messageType: number, ids: { relid?: number; gpadl?: number }): void {
    if (this.connection === ConnectionState.Connected || this.connection === ConnectionState.OffersRequested) return;
    throw this.violation(messageType, this.connection, `not acceptable while ${this.connection}`, ids);
  }

  /** Why `request` cannot open `channel`, or undefined if it can. */
  private openProblem(channel: Channel, request: OpenRequest): string | undefined {
    const gpadl = this.gpadls.get(request.gpadl);
    if (!gpadl) return `GPADL ${request.gpadl} does not exist`;
    if (gpadl.relid !== channel.relid) return `GPADL ${request.gpadl} belongs to channel ${gpadl.relid}`;
    if (gpadl.state !== GpadlState.Accepted) return `GPADL ${request.gpadl} is ${gpadl.state}`;
    if (gpadl.byteOffset !== 0 || gpadl.byteCount !== gpadl.pageCount * PAGE_SIZE) {
      return `GPADL ${request.gpadl} is not whole pages`;
    }
    const offset = request.downstreamRingPageOffset;
    if (offset < RING_MIN_PAGES || gpadl.pageCount - offset < RING_MIN_PAGES) {
      return `downstream ring page offset ${offset} leaves a ring of fewer than ${RING_MIN_PAGES} pages in ${gpadl.pageCount}`;
    }
    return undefined;
  }

  private isSharablePage(pfn: number): boolean {
    return Number.isSafeInteger(pfn) && this.memory.isDevicePfn(pfn);
  }

  private offeredGpadl(operation: string, handle: number): Gpadl {
    const record = this.gpadls.get(handle);
    if (record?.state !== GpadlState.Offered && record?.state !== GpadlState.OfferedTearingDown) {
      throw new ServerStateError(operation, `GPADL ${handle} is ${record?.state ?? 'absent'}`);
    }
    return record;
  }

  private freeRelid(operation: string): number {
    for (let relid = 1; relid <= MAX_RELID; relid++) if (!this.channels.has(relid)) return relid;
    throw new ServerStateError(operation, `all ${MAX_RELID} relids are in use`);
  }

  private checkConnectionId(operation: string, connectionId: number, except: Channel | undefined): void {
    if (!Number.isInteger(connectionId) || connectionId < 1 || connectionId > 0xffff_ffff) {
      throw new RangeError(`connection id ${connectionId} is not a positive u32`);
    }
    if (connectionId === this.messageConnectionId) {
      throw new ServerStateError(operation, `connection id ${connectionId} is the message connection id`);
    }
    for (const channel of this.channels.values()) {
      if (channel === except) continue;
      const reofferId = channel.reoffer && (channel.reoffer.connectionId ?? CHANNEL_CONNECTION_ID_BASE + channel.relid);
      if (channel.connectionId === connectionId || reofferId === connectionId) {
        throw new ServerStateError(operation, `connection id ${connectionId} belongs to channel ${channel.relid}`);
      }
    }
  }
}

function isRescinded(channel: Channel): boolean {
  return channel.state === ChannelState.Revoked || channel.state === ChannelState.Reoffered;
}

function sameDevice(a: ChannelOffer, b: ChannelOffer): boolean {
  return (
    a.interfaceType === b.interfaceType &&
    a.interfaceInstance === b.interfaceInstance &&
    a.subChannelIndex === b.subChannelIndex
  );
}

/** The offer of `spec` with defaults filled in, validated and with canonical GUIDs (a wire round trip). */
function canonicalOffer(spec: ChannelOfferSpec): ChannelOffer {
  return ChannelOffer.decode(
    ChannelOffer.encode({
      interfaceType: spec.interfaceType,
      interfaceInstance: spec.interfaceInstance,
      channelFlags: spec.channelFlags ?? 0,
      mmioMegabytes: spec.mmioMegabytes ?? 0,
      userDefined: spec.userDefined ?? new Uint8Array(0),
      subChannelIndex: spec.subChannelIndex ?? 0,
    }),
  );
}

function checkStatus(status: number): void {
  if (!Number.isInteger(status) || status < 0 || status > 0xffff_ffff) {
    throw new RangeError(`status ${status} is not a u32 NTSTATUS`);
  }
}

function checkFailureStatus(status: number): void {
  checkStatus(status);
  if (status === NtStatus.SUCCESS) throw new RangeError('a refusal needs a non-zero status');
}

/** The error for a message type the guest never sends: unknown, host → guest, or not supported. */
function notAGuestMessage(type: number): ProtocolError {
  const known = Object.entries(T).find(([, code]) => code === type)?.[0];
  const problem = known
    ? `${known} (${type}) is not a message the host accepts from the guest`
    : `unknown message type ${type}`;
  return new ProtocolError(problem, { layout: 'ChannelMessageHeader', path: 'msgtype', offset: 0 });
}

import { PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';
import { ProtocolError, type Layout } from '@tsvisor/wire';
import {
  AllOffersDelivered,
  ChannelMessageType as T,
  CloseChannel,
  GPADL_BODY_MAX_PFNS,
  GPADL_HEADER_MAX_PFNS,
  GpadlBody,
  GpadlCreated,
  GpadlHeader,
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
} from '../protocol/channel-messages.js';
import { GpaRange, PFN_SIZE } from '../protocol/packet-descriptor.js';
import { ChannelManagementViolation } from './channel-management-violation.js';
import { decodeExact, encodeWithPfns, GPADL_MAX_PAGES, readMessageType } from './channel-message-frame.js';
import { ClientChannelState } from './client-channel-state.js';
import { ClientConnectionState } from './client-connection-state.js';
import { ClientGpadlState } from './client-gpadl-state.js';
import { ClientStateError } from './client-state-error.js';
import type { VmbusClientNotifier } from './vmbus-client-notifier.js';

export type { VmbusClientNotifier } from './vmbus-client-notifier.js';

/** Default {@link VmbusClientOptions.maxOffers}. */
export const DEFAULT_MAX_OFFERS = 256;
/** The first GPADL handle a client hands out (the value Linux starts from, easy to spot in dumps). */
export const FIRST_GPADL_HANDLE = 0xe1e10;

/** Configuration of a {@link VmbusClient}. */
export interface VmbusClientOptions {
  /** Versions to propose, newest first (default {@link VMBUS_VERSIONS}: 5.3 down to 2.4). */
  readonly versions?: readonly number[];
  /** The VP the host should post VMBus messages to (default 0). */
  readonly targetVcpu?: number;
  /** Most channels the client keeps track of; further offers are refused (default {@link DEFAULT_MAX_OFFERS}). */
  readonly maxOffers?: number;
}

/** What {@link VmbusClient.open} needs besides the relid. */
export interface ClientOpenOptions {
  /** A Created GPADL of the channel holding both rings: guest → host ring first. */
  readonly gpadl: number;
  /** First page of the host → guest ring inside the GPADL. */
  readonly downstreamRingPageOffset: number;
  /** The VP the host should signal for this channel. */
  readonly targetVp: number;
  /** Up to 120 bytes for the device protocol (default zeros). */
  readonly userData?: Uint8Array;
}

/** A read-only view of one channel, from {@link VmbusClient.channel}. */
export interface ClientChannelInfo {
  readonly relid: number;
  readonly state: ClientChannelState;
  /** The OFFERCHANNEL message as received. */
  readonly offer: OfferChannel;
  /** Rescinded and `releaseRelid` was called: RELID_RELEASED goes out once its GPADLs are torn down. */
  readonly releasing: boolean;
}

/** A read-only view of one GPADL, from {@link VmbusClient.gpadl}. */
export interface ClientGpadlInfo {
  readonly relid: number;
  readonly state: ClientGpadlState;
}

interface Channel {
  readonly offer: OfferChannel;
  state: ClientChannelState;
  /** Where a refused open goes back to. */
  idle: typeof ClientChannelState.Offered | typeof ClientChannelState.Closed;
  /** Rescinded while Opening: a late OPENCHANNEL_RESULT is still welcome. */
  openPending: boolean;
  /** Rescinded while Open: the guest may still send one CLOSECHANNEL. */
  mayClose: boolean;
  /** See {@link ClientChannelInfo.releasing}. */
  releasing: boolean;
}

interface Gpadl {
  readonly relid: number;
  state: ClientGpadlState;
}

/**
 * The guest side of VMBus channel management (PROTOCOLS.md §2), as a state machine that performs
 * no I/O: host messages come in through {@link VmbusClient.receive}, guest requests through its
 * methods, and every effect goes out through the {@link VmbusClientNotifier}. It uses plain
 * JavaScript only, so it runs in a guest realm.
 *
 * Host input is validated like the host validates the guest's: `receive` never throws, and a
 * malformed (`ProtocolError`) or unacceptable ({@link ChannelManagementViolation}) message is
 * reported to `notifier.violation`, counted, and changes nothing. Methods called in a state that
 * does not allow them throw {@link ClientStateError} and send nothing; that includes every
 * request while Unloading, since the UNLOAD releases everything.
 *
 * Numbering: GPADL handles are allocated from {@link FIRST_GPADL_HANDLE} upwards (never 0, never
 * one in use); GPADL_BODY messages carry `msgNumber` 1, 2, 3…; OPENCHANNEL uses the relid as
 * its `openId`, as Linux does. While Unloading, host messages are still applied: the host may
 * have sent them before it saw UNLOAD.
 */
export class VmbusClient {
  private connection: ClientConnectionState = ClientConnectionState.Disconnected;
  /** While Contacting: the index in `versions` of the version proposed. */
  private proposal = 0;
  private negotiatedVersion: number | undefined;
  private messageConnection: number | undefined;
  private allOffersReceived = false;
  private readonly channels = new Map<number, Channel>();
  private readonly gpadls = new Map<number, Gpadl>();
  private nextGpadl = FIRST_GPADL_HANDLE;
  private violationCount = 0;
  private readonly versions: readonly number[];
  private readonly targetVcpu: number;
  private readonly maxOffers: number;
  /** Effects of transitions already applied, delivered in order by {@link VmbusClient.flush}. */
  private readonly effects: (() => void)[] = [];
  private flushing = false;

  /**
   * @param options - Versions, target VP and limits.
   * @param notifier - Where effects go.
   * @throws RangeError if `versions` is empty or an option is out of range.
   */
  constructor(
    options: VmbusClientOptions,
    private readonly notifier: VmbusClientNotifier,
  ) {
    this.versions = [...(options.versions ?? VMBUS_VERSIONS)];
    this.targetVcpu = options.targetVcpu ?? 0;
    this.maxOffers = options.maxOffers ?? DEFAULT_MAX_OFFERS;
    if (this.versions.length === 0) throw new RangeError('the client must propose at least one version');
    if (!Number.isInteger(this.targetVcpu) || this.targetVcpu < 0 || this.targetVcpu > 0xffff_ffff) {
      throw new RangeError(`targetVcpu must be a u32, got ${this.targetVcpu}`);
    }
    if (!Number.isInteger(this.maxOffers) || this.maxOffers < 1) {
      throw new RangeError(`maxOffers must be a positive integer, got ${this.maxOffers}`);
    }
  }

  // ---------------------------------------------------------------- introspection

  /** The connection's state. */
  get connectionState(): ClientConnectionState {
    return this.connection;
  }

  /** The negotiated version (`major << 16 | minor`), while connected. */
  get version(): number | undefined {
    return this.negotiatedVersion;
  }

  /** The connection id to post messages to, from VERSION_RESPONSE, while connected. */
  get messageConnectionId(): number | undefined {
    return this.messageConnection;
  }

  /** Whether ALLOFFERS_DELIVERED has arrived on this connection. */
  get offersDelivered(): boolean {
    return this.allOffersReceived;
  }

  /** Host messages refused so far. */
  get violations(): number {
    return this.violationCount;
  }

  /** Relids of every channel the client knows, ascending. */
  get relids(): number[] {
    return [...this.channels.keys()].sort((a, b) => a - b);
  }

  /** Handles of every GPADL the client holds, ascending. */
  get gpadlHandles(): number[] {
    return [...this.gpadls.keys()].sort((a, b) => a - b);
  }

  /** The state of channel `relid`, if known. */
  channelState(relid: number): ClientChannelState | undefined {
    return this.channels.get(relid)?.state;
  }

  /** A snapshot of channel `relid`, if known. */
  channel(relid: number): ClientChannelInfo | undefined {
    const channel = this.channels.get(relid);
    return channel && { relid, state: channel.state, offer: channel.offer, releasing: channel.releasing };
  }

  /** The state of GPADL `gpadl`, if it exists. */
  gpadlState(gpadl: number): ClientGpadlState | undefined {
    return this.gpadls.get(gpadl)?.state;
  }

  /** A snapshot of GPADL `gpadl`, if it exists. */
  gpadl(gpadl: number): ClientGpadlInfo | undefined {
    const record = this.gpadls.get(gpadl);
    return record && { relid: record.relid, state: record.state };
  }

  // ---------------------------------------------------------------- guest requests

  /**
   * Starts the version negotiation: INITIATE_CONTACT with the newest version. On refusal the
   * next version is proposed, down to the oldest, then `connectFailed`. On acceptance,
   * `connected` fires and REQUESTOFFERS is sent.
   * @throws ClientStateError unless Disconnected.
   */
  connect(): void {
    this.requireConnection('connect()', ClientConnectionState.Disconnected);
    this.connection = ClientConnectionState.Contacting;
    this.proposal = 0;
    this.propose();
    this.flush();
  }

  /**
   * Shares `pfns` with channel `relid`: GPADL_HEADER with the first 26 PFNs, then GPADL_BODY
   * messages with up to 28 each. The GPADL is Creating until GPADL_CREATED arrives.
   * @param byteCount - Bytes described, from the start of the first page (default: all the pages).
   * @returns The GPADL handle.
   * @throws ClientStateError unless connected and the channel is offered and not rescinded.
   * @throws RangeError if there are no PFNs or more than 8190, a PFN is not a non-negative integer,
   * or `byteCount` does not end in the last page.
   */
  createGpadl(relid: number, pfns: readonly number[], byteCount = pfns.length * PAGE_SIZE): number {
    const operation = `createGpadl(${relid})`;
    this.requireConnection(operation, ClientConnectionState.Connected);
    const channel = this.channels.get(relid);
    if (!channel || channel.state === ClientChannelState.Rescinded) {
      throw new ClientStateError(operation, `channel ${relid} is ${channel?.state ?? 'not offered'}`);
    }
    if (pfns.length === 0 || pfns.length > GPADL_MAX_PAGES) {
      throw new RangeError(`a GPADL has 1 to ${GPADL_MAX_PAGES} pages, got ${pfns.length}`);
    }
    if (!Number.isInteger(byteCount) || Math.ceil(byteCount / PAGE_SIZE) !== pfns.length) {
      throw new RangeError(`${byteCount} bytes do not end in the last of ${pfns.length} pages`);
    }
    const handle = this.freeGpadlHandle();
    const messages = [
      encodeWithPfns(
        GpadlHeader,
        {
          msgtype: T.GPADL_HEADER,
          childRelid: relid,
          gpadl: handle,
          rangeBufLen: GpaRange.size + pfns.length * PFN_SIZE,
          rangeCount: 1,
          range: { byteCount, byteOffset: 0 },
        },
        pfns.slice(0, GPADL_HEADER_MAX_PFNS),
      ),
    ];
    for (let start = GPADL_HEADER_MAX_PFNS; start < pfns.length; start += GPADL_BODY_MAX_PFNS) {
      const body = { msgtype: T.GPADL_BODY, msgNumber: messages.length, gpadl: handle };
      messages.push(encodeWithPfns(GpadlBody, body, pfns.slice(start, start + GPADL_BODY_MAX_PFNS)));
    }
    this.gpadls.set(handle, { relid, state: ClientGpadlState.Creating });
    this.nextGpadl = nextHandle(handle);
    for (const message of messages) this.effects.push(() => this.notifier.send(message));
    this.flush();
    return handle;
  }

  /**
   * Takes a Created GPADL back: GPADL_TEARDOWN. The pages may be reused once `gpadlTornDown` fires.
   * @throws ClientStateError unless connected and the GPADL is Created.
   */
  teardownGpadl(gpadl: number): void {
    const operation = `teardownGpadl(${gpadl})`;
    this.requireConnection(operation, ClientConnectionState.Connected);
    const record = this.gpadls.get(gpadl);
    if (record?.state !== ClientGpadlState.Created) {
      throw new ClientStateError(operation, `GPADL ${gpadl} is ${record?.state ?? 'absent'}`);
    }
    record.state = ClientGpadlState.TearingDown;
    this.sendToHost(GpadlTeardown, { msgtype: T.GPADL_TEARDOWN, childRelid: record.relid, gpadl });
    this.flush();
  }

  /**
   * Opens channel `relid` on the rings in `options.gpadl`: OPENCHANNEL with `openId` = relid.
   * The channel is Opening until `openResult`.
   * @throws ClientStateError unless connected, the channel is Offered or Closed, and the GPADL is a Created one of this channel.
   * @throws ProtocolError if a value does not fit its field (more than 120 bytes of user data…).
   */
  open(relid: number, options: ClientOpenOptions): void {
    const operation = `open(${relid})`;
    this.requireConnection(operation, ClientConnectionState.Connected);
    const channel = this.channels.get(relid);
    if (channel?.state !== ClientChannelState.Offered && channel?.state !== ClientChannelState.Closed) {
      throw new ClientStateError(operation, `channel ${relid} is ${channel?.state ?? 'not offered'}`);
    }
    const gpadl = this.gpadls.get(options.gpadl);
    if (gpadl?.relid !== relid || gpadl.state !== ClientGpadlState.Created) {
      const state = gpadl ? `${gpadl.state} for channel ${gpadl.relid}` : 'absent';
      throw new ClientStateError(operation, `GPADL ${options.gpadl} is ${state}`);
    }
    const message = OpenChannel.encode({
      msgtype: T.OPENCHANNEL,
      childRelid: relid,
      openId: relid,
      ringBufferGpadlHandle: options.gpadl,
      targetVp: options.targetVp,
      downstreamRingBufferPageOffset: options.downstreamRingPageOffset,
      userData: options.userData ?? new Uint8Array(0),
    });
    channel.state = ClientChannelState.Opening;
    this.effects.push(() => this.notifier.send(message));
    this.flush();
  }

  /**
   * Closes channel `relid`: CLOSECHANNEL (no answer comes). Also allowed once on a channel
   * rescinded while it was open.
   * @throws ClientStateError unless the channel is Open (or rescinded while Open and not closed yet).
   */
  close(relid: number): void {
    const operation = `close(${relid})`;
    this.requireConnection(operation, ClientConnectionState.Connected);
    const channel = this.channels.get(relid);
    if (channel?.state === ClientChannelState.Open) {
      channel.state = ClientChannelState.Closed;
      channel.idle = ClientChannelState.Closed;
    } else if (channel?.state === ClientChannelState.Rescinded && channel.mayClose) {
      channel.mayClose = false;
    } else {
      throw new ClientStateError(operation, `channel ${relid} is ${channel?.state ?? 'not offered'}`);
    }
    this.sendToHost(CloseChannel, { msgtype: T.CLOSECHANNEL, childRelid: relid });
    this.flush();
  }

  /**
   * Lets a rescinded channel's relid go: RELID_RELEASED, after which the client forgets it. If
   * GPADLs of the channel are still TearingDown, the message goes out when the last
   * GPADL_TORNDOWN arrives (PROTOCOLS.md §2 order: close, GPADL teardown, RELID_RELEASED).
   * @throws ClientStateError unless the channel is Rescinded and none of its GPADLs is Creating or Created.
   */
  releaseRelid(relid: number): void {
    const operation = `releaseRelid(${relid})`;
    this.requireConnection(operation, ClientConnectionState.Connected);
    const channel = this.channels.get(relid);
    if (channel?.state !== ClientChannelState.Rescinded || channel.releasing) {
      const state = channel?.releasing ? 'being released' : (channel?.state ?? 'not offered');
      throw new ClientStateError(operation, `channel ${relid} is ${state}`);
    }
    const live = [...this.gpadls].find(([, gpadl]) => gpadl.relid === relid && gpadl.state !== ClientGpadlState.TearingDown);
    if (live) throw new ClientStateError(operation, `GPADL ${live[0]} of channel ${relid} is ${live[1].state}: tear it down first`);
    channel.releasing = true;
    this.releaseIfReady(relid, channel);
    this.flush();
  }

  /**
   * Disconnects: UNLOAD. When UNLOAD_RESPONSE arrives, every channel and GPADL is forgotten and
   * `unloaded` fires.
   * @throws ClientStateError unless Connected.
   */
  unload(): void {
    this.requireConnection('unload()', ClientConnectionState.Connected);
    this.connection = ClientConnectionState.Unloading;
    this.sendToHost(Unload, { msgtype: T.UNLOAD });
    this.flush();
  }

  // ---------------------------------------------------------------- host messages

  /**
   * Handles one message from the host: exactly the payload bytes of one SynIC message.
   * Never throws for any input (exceptions thrown by the notifier propagate).
   */
  receive(bytes: Uint8Array): void {
    try {
      this.dispatch(bytes);
    } catch (error) {
      if (!(error instanceof ProtocolError || error instanceof ChannelManagementViolation)) throw error;
      this.violationCount++;
      this.effects.push(() => this.notifier.violation(error));
    }
    this.flush();
  }

  private dispatch(bytes: Uint8Array): void {
    const type = readMessageType(bytes);
    switch (type) {
      case T.VERSION_RESPONSE:
        return this.onVersionResponse(decodeExact(VersionResponse, bytes));
      case T.OFFERCHANNEL:
        return this.onOffer(decodeExact(OfferChannel, bytes));
      case T.RESCIND_CHANNELOFFER:
        return this.onRescind(decodeExact(RescindChannelOffer, bytes));
      case T.ALLOFFERS_DELIVERED:
        decodeExact(AllOffersDelivered, bytes);
        return this.onAllOffersDelivered();
      case T.OPENCHANNEL_RESULT:
        return this.onOpenResult(decodeExact(OpenChannelResult, bytes));
      case T.GPADL_CREATED:
        return this.onGpadlCreated(decodeExact(GpadlCreated, bytes));
      case T.GPADL_TORNDOWN:
        return this.onGpadlTorndown(decodeExact(GpadlTorndown, bytes));
      case T.UNLOAD_RESPONSE:
        decodeExact(UnloadResponse, bytes);
        return this.onUnloadResponse();
      default:
        throw notAHostMessage(type);
    }
  }

  private onVersionResponse(message: VersionResponse): void {
    if (this.connection !== ClientConnectionState.Contacting) {
      throw new ChannelManagementViolation('VERSION_RESPONSE without INITIATE_CONTACT', {
        messageType: T.VERSION_RESPONSE,
        state: this.connection,
      });
    }
    if (message.versionSupported > 1) {
      throw new ProtocolError(`versionSupported is ${message.versionSupported}, not 0 or 1`, {
        layout: VersionResponse.name,
        path: 'versionSupported',
        offset: VersionResponse.offsetOf('versionSupported'),
      });
    }
    if (message.versionSupported === 0) {
      this.proposal++;
      if (this.proposal < this.versions.length) return this.propose();
      this.connection = ClientConnectionState.Disconnected;
      this.effects.push(() => this.notifier.connectFailed());
      return;
    }
    const version = this.versions[this.proposal]!;
    const { msgConnId } = message;
    this.connection = ClientConnectionState.Connected;
    this.negotiatedVersion = version;
    this.messageConnection = msgConnId;
    this.allOffersReceived = false;
    this.effects.push(() => this.notifier.connected(version, msgConnId));
    this.sendToHost(RequestOffers, { msgtype: T.REQUESTOFFERS });
  }

  private onOffer(message: OfferChannel): void {
    const relid = message.childRelid;
    this.requireSession(T.OFFERCHANNEL, { relid });
    const existing = this.channels.get(relid);
    const refuse = (problem: string, state: string) =>
      new ChannelManagementViolation(problem, { messageType: T.OFFERCHANNEL, state, relid });
    if (relid === 0) throw refuse('relid 0 is reserved', 'absent');
    if (existing) throw refuse(`relid ${relid} is already offered`, existing.state);
    const { interfaceType, interfaceInstance, subChannelIndex } = message.offer;
    for (const [other, channel] of this.channels) {
      const offer = channel.offer.offer;
      if (
        channel.state !== ClientChannelState.Rescinded &&
        offer.interfaceType === interfaceType &&
        offer.interfaceInstance === interfaceInstance &&
        offer.subChannelIndex === subChannelIndex
      ) {
        throw refuse(`channel ${other} already offers this device`, 'absent');
      }
    }
    if (this.channels.size >= this.maxOffers) throw refuse(`${this.maxOffers} channels are known already`, 'absent');
    this.channels.set(relid, {
      offer: message,
      state: ClientChannelState.Offered,
      idle: ClientChannelState.Offered,
      openPending: false,
      mayClose: false,
      releasing: false,
    });
    this.effects.push(() => this.notifier.offer(message));
  }

  private onRescind(message: RescindChannelOffer): void {
    const relid = message.childRelid;
    this.requireSession(T.RESCIND_CHANNELOFFER, { relid });
    const channel = this.channels.get(relid);
    if (!channel || channel.state === ClientChannelState.Rescinded) {
      throw new ChannelManagementViolation(`channel ${relid} cannot be rescinded`, {
        messageType: T.RESCIND_CHANNELOFFER,
        state: channel?.state ?? 'absent',
        relid,
      });
    }
    channel.openPending = channel.state === ClientChannelState.Opening;
    channel.mayClose = channel.state === ClientChannelState.Open;
    channel.state = ClientChannelState.Rescinded;
    this.effects.push(() => this.notifier.rescinded(relid));
  }

  private onAllOffersDelivered(): void {
    this.requireSession(T.ALLOFFERS_DELIVERED, {});
    if (this.allOffersReceived) {
      throw new ChannelManagementViolation('a second ALLOFFERS_DELIVERED', {
        messageType: T.ALLOFFERS_DELIVERED,
        state: this.connection,
      });
    }
    this.allOffersReceived = true;
    this.effects.push(() => this.notifier.allOffersDelivered());
  }

  private onOpenResult(message: OpenChannelResult): void {
    const { childRelid: relid, status } = message;
    this.requireSession(T.OPENCHANNEL_RESULT, { relid });
    const channel = this.channels.get(relid);
    const expected = message.openId === relid;
    if (channel?.state === ClientChannelState.Opening && expected) {
      channel.state = status === 0 ? ClientChannelState.Open : channel.idle;
    } else if (channel?.state === ClientChannelState.Rescinded && channel.openPending && expected) {
      channel.openPending = false;
      channel.mayClose = status === 0;
    } else {
      throw new ChannelManagementViolation(`no open of channel ${relid} with id ${message.openId} is pending`, {
        messageType: T.OPENCHANNEL_RESULT,
        state: channel?.state ?? 'absent',
        relid,
      });
    }
    this.effects.push(() => this.notifier.openResult(relid, status));
  }

  private onGpadlCreated(message: GpadlCreated): void {
    const { childRelid: relid, gpadl: handle, creationStatus: status } = message;
    this.requireSession(T.GPADL_CREATED, { relid, gpadl: handle });
    const gpadl = this.gpadls.get(handle);
    if (gpadl?.state !== ClientGpadlState.Creating || gpadl.relid !== relid) {
      throw new ChannelManagementViolation(`GPADL ${handle} of channel ${relid} is not being created`, {
        messageType: T.GPADL_CREATED,
        state: gpadl?.state ?? 'absent',
        relid,
        gpadl: handle,
      });
    }
    if (status === 0) {
      gpadl.state = ClientGpadlState.Created;
    } else {
      this.gpadls.delete(handle);
    }
    this.effects.push(() => this.notifier.gpadlCreated(handle, status));
  }

  private onGpadlTorndown(message: GpadlTorndown): void {
    const handle = message.gpadl;
    this.requireSession(T.GPADL_TORNDOWN, { gpadl: handle });
    const gpadl = this.gpadls.get(handle);
    if (gpadl?.state !== ClientGpadlState.TearingDown) {
      throw new ChannelManagementViolation(`GPADL ${handle} is not being torn down`, {
        messageType: T.GPADL_TORNDOWN,
        state: gpadl?.state ?? 'absent',
        gpadl: handle,
      });
    }
    this.gpadls.delete(handle);
    this.effects.push(() => this.notifier.gpadlTornDown(handle));
    const channel = this.channels.get(gpadl.relid);
    if (channel) this.releaseIfReady(gpadl.relid, channel);
  }

  private onUnloadResponse(): void {
    if (this.connection !== ClientConnectionState.Unloading) {
      throw new ChannelManagementViolation('UNLOAD_RESPONSE without UNLOAD', {
        messageType: T.UNLOAD_RESPONSE,
        state: this.connection,
      });
    }
    this.connection = ClientConnectionState.Disconnected;
    this.negotiatedVersion = undefined;
    this.messageConnection = undefined;
    this.allOffersReceived = false;
    this.channels.clear();
    this.gpadls.clear();
    this.effects.push(() => this.notifier.unloaded());
  }

  // ---------------------------------------------------------------- helpers of the transitions

  private propose(): void {
    this.sendToHost(InitiateContact, {
      msgtype: T.INITIATE_CONTACT,
      vmbusVersionRequested: this.versions[this.proposal]!,
      targetVcpu: this.targetVcpu,
      msgSint: VMBUS_MESSAGE_SINT,
      msgVtl: 0,
      // No monitor pages: channels are signalled through their connection ids.
      monitorPage1: 0n,
      monitorPage2: 0n,
    });
  }

  /** Sends RELID_RELEASED for a channel being released once none of its GPADLs is left. */
  private releaseIfReady(relid: number, channel: Channel): void {
    if (!channel.releasing) return;
    for (const gpadl of this.gpadls.values()) if (gpadl.relid === relid) return;
    this.channels.delete(relid);
    this.sendToHost(RelidReleased, { msgtype: T.RELID_RELEASED, childRelid: relid });
  }

  private freeGpadlHandle(): number {
    let handle = this.nextGpadl;
    while (this.gpadls.has(handle)) handle = nextHandle(handle);
    return handle;
  }

  private sendToHost<V>(layout: Layout<V>, value: V): void {
    const bytes = layout.encode(value);
    this.effects.push(() => this.notifier.send(bytes));
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

  private requireConnection(operation: string, state: ClientConnectionState): void {
    if (this.connection !== state) throw new ClientStateError(operation, `the connection is ${this.connection}`);
  }

  /** Channel messages need a negotiated connection (Connected, or Unloading while UNLOAD is in flight). */
  private requireSession(messageType: number, ids: { relid?: number; gpadl?: number }): void {
    if (this.connection === ClientConnectionState.Connected || this.connection === ClientConnectionState.Unloading) return;
    throw new ChannelManagementViolation(`not acceptable while ${this.connection}`, {
      messageType,
      state: this.connection,
      ...ids,
    });
  }
}

/** The handle after `handle`, skipping 0 on wrap-around. */
function nextHandle(handle: number): number {
  return handle >= 0xffff_ffff ? 1 : handle + 1;
}

/** The error for a message type the host never sends: unknown, guest → host, or not supported. */
function notAHostMessage(type: number): ProtocolError {
  const known = Object.entries(T).find(([, code]) => code === type)?.[0];
  const problem = known
    ? `${known} (${type}) is not a message the guest accepts from the host`
    : `unknown message type ${type}`;
  return new ProtocolError(problem, { layout: 'ChannelMessageHeader', path: 'msgtype', offset: 0 });
}

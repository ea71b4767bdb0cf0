import { HvStatus, PAGE_SIZE, SYNIC_MAX_PAYLOAD, type VpEnvironment } from '@tsvisor/hypervisor-core/guest';
import { formatGuid, parseGuid, type ProtocolError } from '@tsvisor/wire';
import type { Observable} from 'rxjs';
import { Subject } from 'rxjs';
import { Channel } from '../channel/channel.js';
import type { PageMemory } from '../channel/page-memory.js';
import { PollPolicy } from '../channel/poll-policy.js';
import type { ChannelManagementViolation } from '../management/channel-management-violation.js';
import { ClientGpadlState } from '../management/client-gpadl-state.js';
import { ClientStateError } from '../management/client-state-error.js';
import { VmbusClient, type VmbusClientNotifier } from '../management/vmbus-client.js';
import { VMBUS_MESSAGE_SINT, type OfferChannel } from '../protocol/channel-messages.js';
import { VMBUS_MESSAGE_CONNECTION_ID, VMBUS_SYNIC_MESSAGE_TYPE } from '../protocol/message-connection.js';
import { RingMemory } from '../ring/ring-memory.js';
import { GuestPageArena } from './guest-page-arena.js';
import { GuestSynic } from './guest-synic.js';

/** A device channel the host offered, as the guest sees it. */
export interface GuestOffer {
  readonly relid: number;
  /** Interface (device class) GUID, lower case. */
  readonly interfaceType: string;
  /** Instance GUID, lower case. */
  readonly interfaceInstance: string;
  readonly subChannelIndex: number;
  readonly channelFlags: number;
  readonly mmioMegabytes: number;
  readonly userDefined: Uint8Array;
  /** The connection id the guest signals this channel's host end on. */
  readonly connectionId: number;
}

/** Options of {@link GuestVmbus.open}. */
export interface GuestOpenOptions {
  /** Pages of each ring, control page included. Default 16 (64 KiB). */
  readonly ringPages?: number;
  /** Poll mode: spin briefly for answers before sleeping. */
  readonly poll?: boolean;
  /** Largest completion payload this side sends. Default 256. */
  readonly maxCompletionSize?: number;
  /** The OPENCHANNEL user data (120 bytes at most). */
  readonly userData?: Uint8Array;
}

/** Options of {@link GuestVmbus}. */
export interface GuestVmbusOptions {
  /** Guest pages set aside for ring buffers (a range of RAM the guest program does not use). */
  readonly arena: { readonly firstPfn: number; readonly pageCount: number };
  /** Versions to propose, newest first; default all of VMBUS_VERSIONS. */
  readonly versions?: readonly number[];
}

/** VMBus refused an operation: the host answered with a failure status, or the connection failed. */
export class VmbusRequestError extends Error {
  override readonly name = 'VmbusRequestError';
  constructor(
    message: string,
    /** The status the host answered with, if it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

interface OpenedChannel {
  readonly channel: Channel;
  readonly gpadl: number;
  readonly firstPfn: number;
  readonly pages: number;
}

/**
 * The guest side of VMBus on one VP: runs the {@link VmbusClient} state machine over the SynIC
 * (messages from SINT 2's SIMP slot, PostMessage to the host), dispatches SINT 2 event flags to
 * channels by relid, and opens channels: ring pages from an arena, one GPADL holding both rings,
 * OPENCHANNEL, then a {@link Channel} that signals the offer's connection id.
 *
 * ```ts
 * const vmbus = new GuestVmbus(vp, { arena: { firstPfn: 256, pageCount: 256 } });
 * await vmbus.connect();
 * const channel = await vmbus.open(vmbus.find(MY_DEVICE_GUID)[0]!);
 * ```
 */
export class GuestVmbus {
  readonly client: VmbusClient;
  /** This partition's memory as a channel maps it (for GPA ranges the host points into it). */
  readonly memory: PageMemory;
  private readonly synic: GuestSynic;
  private readonly arena: GuestPageArena;
  private readonly known = new Map<number, GuestOffer>();
  private readonly channels = new Map<number, OpenedChannel>();
  private readonly offered = new Subject<GuestOffer>();
  private readonly rescinded = new Subject<GuestOffer>();
  private readonly violationsSubject = new Subject<ProtocolError | ChannelManagementViolation>();
  private readonly outbox: Uint8Array[] = [];
  private readonly message = new Uint8Array(SYNIC_MAX_PAYLOAD);
  private readonly gpadlWaiters = new Map<number, Waiter<void>>();
  private readonly openWaiters = new Map<number, Waiter<void>>();
  private connectWaiter: Waiter<number> | undefined;
  private unloadWaiter: Waiter<void> | undefined;
  private messageConnectionId = VMBUS_MESSAGE_CONNECTION_ID;
  private version = 0;
  private running = false;
  private readonly dispatchEvent = (relid: number): void => this.channels.get(relid)?.channel.interrupt();

  /** Offers as they arrive (including hot-added ones after {@link GuestVmbus.connect}). */
  readonly offers$: Observable<GuestOffer> = this.offered.asObservable();
  /** Offers the host withdrew; their channels are revoked. */
  readonly rescinds$: Observable<GuestOffer> = this.rescinded.asObservable();
  /** Host messages the client rejected. */
  readonly violations$ = this.violationsSubject.asObservable();

  constructor(
    readonly vp: VpEnvironment,
    options: GuestVmbusOptions,
  ) {
    this.synic = new GuestSynic(vp);
    const ramPages = Math.floor(vp.reservedFirstGpa / PAGE_SIZE);
    this.memory = { buffer: vp.memory, isDevicePfn: (pfn) => Number.isSafeInteger(pfn) && pfn >= 0 && pfn < ramPages };
    this.arena = new GuestPageArena(vp.memory, options.arena.firstPfn, options.arena.pageCount);
    const notifier: VmbusClientNotifier = {
      send: (message) => this.post(message),
      connected: (version, messageConnectionId) => {
        this.version = version;
        this.messageConnectionId = messageConnectionId;
      },
      connectFailed: () => this.settle(this.connectWaiter, new VmbusRequestError('the host accepted none of the VMBus versions offered')),
      offer: (offer) => {
        const guestOffer = toGuestOffer(offer);
        this.known.set(guestOffer.relid, guestOffer);
        this.offered.next(guestOffer);
      },
      allOffersDelivered: () => {
        const waiter = this.connectWaiter;
        this.connectWaiter = undefined;
        waiter?.resolve(this.version);
      },
      gpadlCreated: (gpadl, status) => this.answer(this.gpadlWaiters, gpadl, status, 'GPADL'),
      gpadlTornDown: (gpadl) => this.answer(this.gpadlWaiters, gpadl, 0, 'GPADL teardown'),
      openResult: (relid, status) => this.answer(this.openWaiters, relid, status, 'open'),
      rescinded: (relid) => this.onRescind(relid),
      unloaded: () => {
        const waiter = this.unloadWaiter;
        this.unloadWaiter = undefined;
        waiter?.resolve();
      },
      violation: (error) => this.violationsSubject.next(error),
    };
    this.client = new VmbusClient({ targetVcpu: vp.vpIndex, ...(options.versions ? { versions: options.versions } : {}) }, notifier);
  }

  /** The negotiated version (0 before {@link GuestVmbus.connect}). */
  get negotiatedVersion(): number {
    return this.version;
  }

  /** Offers known now, by relid. */
  get offers(): ReadonlyMap<number, GuestOffer> {
    return this.known;
  }

  /** The offers of an interface GUID, primary channel first. */
  find(interfaceType: string): GuestOffer[] {
    const type = formatGuid(parseGuid(interfaceType));
    return [...this.known.values()].filter((o) => o.interfaceType === type).sort((a, b) => a.subChannelIndex - b.subChannelIndex);
  }

  /** Starts the interrupt loop, negotiates a version and collects the offers. Resolves with the version. */
  connect(): Promise<number> {
    if (this.running) return Promise.reject(new VmbusRequestError('already connected'));
    this.running = true;
    const done = new Promise<number>((resolve, reject) => (this.connectWaiter = { resolve, reject }));
    void this.run();
    this.client.connect();
    return done;
  }

  /** Opens an offered channel with fresh rings; resolves with the channel once the host accepted. */
  async open(offer: GuestOffer, options: GuestOpenOptions = {}): Promise<Channel> {
    const ringPages = options.ringPages ?? 16;
    if (!(Number.isInteger(ringPages) && ringPages >= 2)) throw new RangeError(`a ring needs at least 2 pages, got ${ringPages}`);
    const pages = 2 * ringPages;
    const firstPfn = this.arena.allocate(pages);
    const pfns = Array.from({ length: pages }, (_, i) => firstPfn + i);
    let gpadl = 0;
    try {
      gpadl = this.client.createGpadl(offer.relid, pfns, pages * PAGE_SIZE);
      await this.wait(this.gpadlWaiters, gpadl);
      const opened = this.wait(this.openWaiters, offer.relid);
      this.client.open(offer.relid, {
        gpadl,
        downstreamRingPageOffset: ringPages,
        targetVp: this.vp.vpIndex,
        ...(options.userData ? { userData: options.userData } : {}),
      });
      await opened;
    } catch (error) {
      if (gpadl !== 0) await this.teardown(gpadl).catch(() => undefined);
      this.arena.release(firstPfn, pages);
      if (!this.known.has(offer.relid)) this.tryClient(() => this.client.releaseRelid(offer.relid));
      throw error;
    }
    const memory = this.vp.memory;
    const connectionId = offer.connectionId;
    const vp = this.vp;
    const channel = new Channel({
      name: `${offer.interfaceType}/${offer.subChannelIndex}`,
      outgoing: new RingMemory(memory, firstPfn * PAGE_SIZE, ringPages * PAGE_SIZE),
      incoming: new RingMemory(memory, (firstPfn + ringPages) * PAGE_SIZE, ringPages * PAGE_SIZE),
      signalPeer: () => void vp.signalEvent(connectionId, 0),
      memory: this.memory,
      ...(options.poll ? { poll: new PollPolicy() } : {}),
      ...(options.maxCompletionSize !== undefined ? { maxCompletionSize: options.maxCompletionSize } : {}),
    });
    this.channels.set(offer.relid, { channel, gpadl, firstPfn, pages });
    // A signal the host raised before the channel was registered here was consumed unseen.
    channel.interrupt();
    return channel;
  }

  /** Closes a channel this side opened: CLOSECHANNEL, GPADL teardown, and its pages back to the arena. */
  async close(channel: Channel): Promise<void> {
    const entry = [...this.channels].find(([, opened]) => opened.channel === channel);
    if (!entry) return;
    const [relid, opened] = entry;
    this.channels.delete(relid);
    channel.close();
    if (this.known.has(relid)) this.client.close(relid);
    await this.teardown(opened.gpadl);
    this.arena.release(opened.firstPfn, opened.pages);
  }

  /**
   * Describes `pageCount` pages from `firstPfn` to the host as a GPADL of `offer`'s device (for
   * buffers the host reads and writes in place, such as netvsc's receive and send buffers) and
   * resolves with its handle once the host has accepted it.
   */
  async createGpadl(offer: GuestOffer, firstPfn: number, pageCount: number): Promise<number> {
    if (!(Number.isInteger(firstPfn) && firstPfn >= 0 && Number.isInteger(pageCount) && pageCount >= 1)) {
      throw new RangeError(`a GPADL needs a first PFN and at least one page, got ${firstPfn} and ${pageCount}`);
    }
    const pfns = Array.from({ length: pageCount }, (_, i) => firstPfn + i);
    const gpadl = this.client.createGpadl(offer.relid, pfns, pageCount * PAGE_SIZE);
    await this.wait(this.gpadlWaiters, gpadl);
    return gpadl;
  }

  /** Tears down a GPADL made by {@link createGpadl}; resolves once the host has let go of it. */
  teardownGpadl(gpadl: number): Promise<void> {
    return this.teardown(gpadl);
  }

  /**
   * Lends `count` contiguous zeroed pages of the arena to a driver for its own use (I/O buffers
   * the host reads and writes in place); returns the first PFN. Throws a RangeError when no run
   * that long is free.
   */
  allocatePages(count: number): number {
    return this.arena.allocate(count);
  }

  /** Returns pages lent by {@link allocatePages}. */
  releasePages(firstPfn: number, count: number): void {
    this.arena.release(firstPfn, count);
  }

  /**
   * Publishes what every open channel has appended but not yet committed (a guest about to halt
   * calls this, so that its last answers reach the host).
   */
  flush(): void {
    for (const opened of this.channels.values()) opened.channel.flush();
  }

  /** Sends UNLOAD and waits for the host's answer; then stops the interrupt loop. */
  async disconnect(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => (this.unloadWaiter = { resolve, reject }));
    this.client.unload();
    await done;
    for (const opened of this.channels.values()) opened.channel.close();
    this.channels.clear();
    this.running = false;
  }

  private async teardown(gpadl: number): Promise<void> {
    if (this.client.gpadlState(gpadl) !== ClientGpadlState.Created) return;
    const done = this.wait(this.gpadlWaiters, gpadl);
    this.client.teardownGpadl(gpadl);
    await done;
  }

  private onRescind(relid: number): void {
    const offer = this.known.get(relid);
    this.known.delete(relid);
    const opened = this.channels.get(relid);
    // Order of PROTOCOLS.md §2: close, GPADL teardown, then RELID_RELEASED (which the client sends
    // once the last GPADL of the channel is torn down).
    if (opened) {
      this.channels.delete(relid);
      opened.channel.revoke();
      this.tryClient(() => this.client.close(relid));
      void this.teardown(opened.gpadl).then(
        () => this.arena.release(opened.firstPfn, opened.pages),
        () => undefined,
      );
    }
    const opening = this.openWaiters.get(relid);
    if (opening) {
      this.openWaiters.delete(relid);
      opening.reject(new VmbusRequestError('the host rescinded the device while it was being opened'));
    }
    this.tryClient(() => this.client.releaseRelid(relid));
    if (offer) this.rescinded.next(offer);
  }

  /** Runs a client call from inside a notifier callback, where an exception must not escape. */
  private tryClient(call: () => void): void {
    try {
      call();
    } catch (error) {
      if (!(error instanceof ClientStateError)) throw error;
    }
  }

  private wait(waiters: Map<number, Waiter<void>>, key: number): Promise<void> {
    return new Promise<void>((resolve, reject) => waiters.set(key, { resolve, reject }));
  }

  private answer(waiters: Map<number, Waiter<void>>, key: number, status: number, what: string): void {
    const waiter = waiters.get(key);
    if (!waiter) return;
    waiters.delete(key);
    if (status === 0) waiter.resolve();
    else waiter.reject(new VmbusRequestError(`the host refused the ${what} (status 0x${(status >>> 0).toString(16)})`, status));
  }

  private settle<T>(waiter: Waiter<T> | undefined, error: Error): void {
    if (waiter === this.connectWaiter) this.connectWaiter = undefined;
    this.running = false;
    waiter?.reject(error);
  }

  /** Posts a message now, or queues it while the hypervisor's queue is full. */
  private post(message: Uint8Array): void {
    if (this.outbox.length === 0 && this.synic.postMessage(this.messageConnectionId, VMBUS_SYNIC_MESSAGE_TYPE, message) !== HvStatus.InsufficientBuffers) return;
    this.outbox.push(message.slice());
  }

  private flushOutbox(): void {
    while (this.outbox.length !== 0) {
      if (this.synic.postMessage(this.messageConnectionId, VMBUS_SYNIC_MESSAGE_TYPE, this.outbox[0]!) === HvStatus.InsufficientBuffers) return;
      this.outbox.shift();
    }
  }

  /** The interrupt loop: SINT 2 messages to the client, SINT 2 event flags to channels. */
  private async run(): Promise<void> {
    const synic = this.synic;
    const message = this.message;
    while (this.running) {
      this.flushOutbox();
      for (let size = synic.takeMessage(VMBUS_MESSAGE_SINT, message); size >= 0; size = synic.takeMessage(VMBUS_MESSAGE_SINT, message)) {
        this.client.receive(message.subarray(0, size));
      }
      synic.takeEventFlags(VMBUS_MESSAGE_SINT, this.dispatchEvent);
      await this.vp.waitForInterrupt(this.outbox.length !== 0 ? 1 : 100);
    }
  }
}

function toGuestOffer(offer: OfferChannel): GuestOffer {
  return {
    relid: offer.childRelid,
    interfaceType: offer.offer.interfaceType,
    interfaceInstance: offer.offer.interfaceInstance,
    subChannelIndex: offer.offer.subChannelIndex,
    channelFlags: offer.offer.channelFlags,
    mmioMegabytes: offer.offer.mmioMegabytes,
    userDefined: offer.offer.userDefined,
    connectionId: offer.connectionId,
  };
}

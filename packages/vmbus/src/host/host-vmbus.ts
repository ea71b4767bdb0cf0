import type { EventHandler, GuestMemory, HostPort, MessageHandler } from '@tsvisor/hypervisor-core';
import { HvStatus, PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';
import type { ProtocolError } from '@tsvisor/wire';
import type { Observable} from 'rxjs';
import { Subject } from 'rxjs';
import { Channel } from '../channel/channel.js';
import type { GpadlPages } from '../channel/gpadl-pages.js';
import { PollPolicy } from '../channel/poll-policy.js';
import type { ChannelManagementViolation } from '../management/channel-management-violation.js';
import { NtStatus } from '../management/nt-status.js';
import { VmbusServer } from '../management/vmbus-server.js';
import type { VmbusServerNotifier } from '../management/vmbus-server-notifier.js';
import { VMBUS_MESSAGE_SINT } from '../protocol/channel-messages.js';
import { RingMemory } from '../ring/ring-memory.js';
import { VMBUS_MESSAGE_CONNECTION_ID, VMBUS_SYNIC_MESSAGE_TYPE } from '../protocol/message-connection.js';

/** What the host side of VMBus needs of a partition (hypervisor-core's `Partition` is one). */
export interface VmbusPartition {
  readonly name: string;
  readonly memory: GuestMemory;
  openMessagePort(connectionId: number, onMessage: MessageHandler): HostPort;
  openEventPort(connectionId: number, onEvent: EventHandler): HostPort;
  readonly synic: {
    postMessage(vpIndex: number, sint: number, messageType: number, payload: Uint8Array): HvStatus;
    signalEvent(vpIndex: number, sint: number, flag: number): HvStatus;
  };
}

/** A device channel the host offers; see {@link HostVmbus.offer}. */
export interface HostOfferSpec {
  /** The device class's interface GUID (what the guest binds a driver by). */
  readonly interfaceType: string;
  /** This device's instance GUID. */
  readonly interfaceInstance: string;
  readonly channelFlags?: number;
  readonly mmioMegabytes?: number;
  /** The offer's 120 user-defined bytes (pipe mode: its first u32). */
  readonly userDefined?: Uint8Array;
  /** 0 for a primary channel; sub-channels share type and instance with their primary. */
  readonly subChannelIndex?: number;
  /** Largest completion payload the VSP sends on this channel. Default 256. */
  readonly maxCompletionSize?: number;
  /** Packets the host end takes before it yields to the event loop (`ChannelOptions.maxPacketsPerTurn`). Default 1024. */
  readonly maxPacketsPerTurn?: number;
  /** Poll mode for the host end (spin briefly before sleeping while I/O is in flight). */
  readonly poll?: boolean;
}

/** Options of {@link HostVmbus}. */
export interface HostVmbusOptions {
  /** Versions the host accepts; default all of VMBUS_VERSIONS. */
  readonly versions?: readonly number[];
}

/** One offered device channel on the host. */
export class HostChannelOffer {
  private readonly opened = new Subject<Channel>();
  private current: Channel | undefined;
  /** A channel each time the guest opens this offer (it is `open` until closed, revoked or faulted). */
  readonly channels$: Observable<Channel> = this.opened.asObservable();

  constructor(
    /** The relid the server allocated. */
    readonly relid: number,
    readonly spec: HostOfferSpec,
    private readonly rescindOffer: (offer: HostChannelOffer) => void,
  ) {}

  /** The open channel, if the guest has it open now. */
  get channel(): Channel | undefined {
    return this.current;
  }

  /** Withdraws the device (hot-remove): the guest is told, an open channel is revoked. */
  rescind(): void {
    this.rescindOffer(this);
  }

  /** @internal */
  attach(channel: Channel | undefined): void {
    this.current = channel;
    if (channel) this.opened.next(channel);
  }

  /** @internal */
  end(): void {
    this.opened.complete();
  }
}

interface OpenChannel {
  readonly channel: Channel;
  readonly port: HostPort;
  readonly gpadl: number;
}

/**
 * The host side of VMBus for one partition: runs the {@link VmbusServer} state machine over the
 * partition's SynIC (messages on SINT 2 one way, PostMessage on connection id 1 the other), maps
 * the ring GPADLs the guest opens channels with, and hands each opened channel to its offer.
 * Host → guest signals set the channel's relid in the target VP's SINT 2 event flags; guest →
 * host signals arrive on the channel's own event port.
 */
export class HostVmbus {
  readonly server: VmbusServer;
  private readonly offers = new Map<number, HostChannelOffer>();
  private readonly open = new Map<number, OpenChannel>();
  private readonly gpadls = new Map<number, { relid: number; pfns: readonly number[]; byteCount: number; byteOffset: number }>();
  private readonly messagePort: HostPort;
  private readonly violationsSubject = new Subject<ProtocolError | ChannelManagementViolation>();
  private messagesRefused = 0;
  /** Every message the guest sent that the server rejected (malformed or out of place). */
  readonly violations$ = this.violationsSubject.asObservable();

  constructor(
    private readonly partition: VmbusPartition,
    options: HostVmbusOptions = {},
  ) {
    const notifier: VmbusServerNotifier = {
      send: (message) => {
        const status = partition.synic.postMessage(this.server.targetVcpu ?? 0, VMBUS_MESSAGE_SINT, VMBUS_SYNIC_MESSAGE_TYPE, message);
        if (status !== HvStatus.Success) this.messagesRefused++;
      },
      connected: () => undefined,
      gpadlOffered: (relid, gpadl, info) => {
        this.gpadls.set(gpadl, { relid, ...info });
        this.server.acceptGpadl(gpadl);
      },
      openRequested: (relid, request) => this.openChannel(relid, request.gpadl, request.targetVp, request.downstreamRingPageOffset),
      closeRequested: (relid) => {
        this.closeChannel(relid, false);
        this.server.completeClose(relid);
      },
      gpadlTeardownRequested: (_relid, gpadl) => {
        this.gpadls.delete(gpadl);
        this.server.completeGpadlTeardown(gpadl);
      },
      relidReleased: () => undefined,
      unloaded: () => {
        for (const relid of [...this.open.keys()]) this.closeChannel(relid, false);
        this.gpadls.clear();
      },
      violation: (error) => this.violationsSubject.next(error),
    };
    this.server = new VmbusServer({ memory: partition.memory, ...(options.versions ? { versions: options.versions } : {}) }, notifier);
    this.messagePort = partition.openMessagePort(VMBUS_MESSAGE_CONNECTION_ID, (_type, payload, size) => {
      this.server.receive(payload.subarray(0, size));
    });
  }

  /** Host → guest messages the SynIC refused (the guest stopped taking its messages). */
  get refusedMessages(): number {
    return this.messagesRefused;
  }

  /** Offers a device channel; the guest sees it now if it has asked for offers, else when it does. */
  offer(spec: HostOfferSpec): HostChannelOffer {
    const relid = this.server.offer({
      interfaceType: spec.interfaceType,
      interfaceInstance: spec.interfaceInstance,
      ...(spec.channelFlags !== undefined ? { channelFlags: spec.channelFlags } : {}),
      ...(spec.mmioMegabytes !== undefined ? { mmioMegabytes: spec.mmioMegabytes } : {}),
      ...(spec.userDefined !== undefined ? { userDefined: spec.userDefined } : {}),
      ...(spec.subChannelIndex !== undefined ? { subChannelIndex: spec.subChannelIndex } : {}),
    });
    const offer = new HostChannelOffer(relid, spec, (o) => this.rescind(o));
    this.offers.set(relid, offer);
    return offer;
  }

  /** Closes every channel and stops listening to the guest. */
  close(): void {
    for (const relid of [...this.open.keys()]) this.closeChannel(relid, false);
    for (const offer of this.offers.values()) offer.end();
    this.offers.clear();
    this.messagePort.close();
    this.violationsSubject.complete();
  }

  private rescind(offer: HostChannelOffer): void {
    if (this.offers.get(offer.relid) !== offer) return;
    this.closeChannel(offer.relid, true);
    this.server.rescind(offer.relid);
    this.offers.delete(offer.relid);
    offer.end();
  }

  private openChannel(relid: number, gpadlHandle: number, targetVp: number, downstreamPageOffset: number): void {
    const offer = this.offers.get(relid);
    const gpadl = this.gpadls.get(gpadlHandle);
    const rings = gpadl && gpadl.relid === relid && gpadl.byteOffset === 0 ? this.mapRings(gpadl.pfns, downstreamPageOffset) : undefined;
    if (!offer || !rings) {
      this.server.completeOpen(relid, NtStatus.INVALID_PARAMETER);
      return;
    }
    const synic = this.partition.synic;
    let channel: Channel;
    try {
      channel = new Channel({
        name: `${this.partition.name}/${relid}`,
        outgoing: rings.downstream,
        incoming: rings.upstream,
        signalPeer: () => void synic.signalEvent(targetVp, VMBUS_MESSAGE_SINT, relid),
        schedule: setImmediate,
        memory: this.partition.memory,
        gpadls: (handle) => this.deviceGpadl(relid, handle),
        ...(offer.spec.poll ? { poll: new PollPolicy() } : {}),
        ...(offer.spec.maxCompletionSize !== undefined ? { maxCompletionSize: offer.spec.maxCompletionSize } : {}),
        ...(offer.spec.maxPacketsPerTurn !== undefined ? { maxPacketsPerTurn: offer.spec.maxPacketsPerTurn } : {}),
      });
    } catch {
      // The guest left ring indices that are not valid: refuse the open.
      this.server.completeOpen(relid, NtStatus.INVALID_PARAMETER);
      return;
    }
    const port = this.partition.openEventPort(this.server.channel(relid)!.connectionId, () => channel.interrupt());
    this.open.set(relid, { channel, port, gpadl: gpadlHandle });
    this.server.completeOpen(relid, 0);
    offer.attach(channel);
    // Packets the guest wrote before the open completed would otherwise wait for its next signal.
    setImmediate(() => channel.interrupt());
  }

  /**
   * A GPADL the guest created for the device of channel `relid` (on that channel or on another
   * channel of the same device, e.g. its primary), unless it holds a channel's rings.
   */
  private deviceGpadl(relid: number, handle: number): GpadlPages | undefined {
    const gpadl = this.gpadls.get(handle);
    if (!gpadl) return undefined;
    const owner = this.offers.get(gpadl.relid)?.spec;
    const asker = this.offers.get(relid)?.spec;
    if (!owner || !asker || owner.interfaceInstance.toLowerCase() !== asker.interfaceInstance.toLowerCase() || owner.interfaceType.toLowerCase() !== asker.interfaceType.toLowerCase()) {
      return undefined;
    }
    for (const open of this.open.values()) if (open.gpadl === handle) return undefined;
    return gpadl;
  }

  /**
   * The two rings of a channel's GPADL: guest → host from page 0, host → guest from
   * `downstreamPageOffset`. Each must be physically contiguous (tsvisor maps a ring as one
   * window of guest memory) and at least a control page plus a data page.
   */
  private mapRings(pfns: readonly number[], downstreamPageOffset: number): { upstream: RingMemory; downstream: RingMemory } | undefined {
    if (!(downstreamPageOffset >= 2 && pfns.length - downstreamPageOffset >= 2)) return undefined;
    const contiguous = (from: number, to: number): boolean => {
      for (let i = from + 1; i < to; i++) if (pfns[i] !== pfns[i - 1]! + 1) return false;
      return true;
    };
    if (!contiguous(0, downstreamPageOffset) || !contiguous(downstreamPageOffset, pfns.length)) return undefined;
    const buffer = this.partition.memory.buffer;
    return {
      upstream: new RingMemory(buffer, pfns[0]! * PAGE_SIZE, downstreamPageOffset * PAGE_SIZE),
      downstream: new RingMemory(buffer, pfns[downstreamPageOffset]! * PAGE_SIZE, (pfns.length - downstreamPageOffset) * PAGE_SIZE),
    };
  }

  private closeChannel(relid: number, revoked: boolean): void {
    const open = this.open.get(relid);
    if (!open) return;
    this.open.delete(relid);
    open.port.close();
    if (revoked) open.channel.revoke();
    else open.channel.close();
    this.offers.get(relid)?.attach(undefined);
  }
}

import type { Channel, IncomingPacket } from '@tsvisor/device-sdk';
import { ProtocolError, readU32LE } from '@tsvisor/wire';
import type { Observer, Subscription } from 'rxjs';
import { ETHERNET_HEADER_SIZE, ETHERNET_VLAN_TAG_SIZE } from '../../protocol/ethernet.js';
import { macHigh16, macLow32, type MacAddress } from '../../protocol/mac-address.js';
import { NVSP_RECEIVE_BUFFER_ID, NVSP_SEND_BUFFER_ID, NVSP_SEND_SECTION_INDEX_NONE } from '../../protocol/nvsp-buffer.js';
import { NvspChannelType, NvspMessageType, NvspStatus } from '../../protocol/nvsp-message-type.js';
import { encodeNvspMessage, readNvspMessage, type NvspGuestMessage, type NvspMessage } from '../../protocol/nvsp-message.js';
import { NvspVersion } from '../../protocol/nvsp-version.js';
import { RndisMessageType, RndisStatus } from '../../protocol/rndis-message-type.js';
import { encodeRndisMessage, readRndisMessage } from '../../protocol/rndis-message.js';
import { NdisPacketFilter } from '../../protocol/rndis-oid.js';
import { RNDIS_PACKET_SIZE, checkRndisPacket, type RndisFrame } from '../../protocol/rndis-packet.js';
import { mapGuestBuffer } from './guest-buffer-mapping.js';
import type { NetvspCounters } from './netvsp-counters.js';
import { NETVSP_SLOT_BASE, NetvspReceiveBuffer } from './netvsp-receive-buffer.js';
import { RndisControl, type RndisAdapterState } from './rndis-control.js';

/** The NVSP versions a NetVSP accepts by default: all of them. */
export const NETVSP_VERSIONS: readonly number[] = Object.values(NvspVersion);

/** Control replies and status indications that may wait for a free receive slot. */
export const NETVSP_CONTROL_BACKLOG = 16;

/** Smallest MTU a guest may set with SEND_NDIS_CONFIG: IPv4's minimum. */
const MIN_GUEST_MTU = 68;

/** What one channel's protocol engine needs of its adapter (the {@link NetworkVsp}). */
export interface NetvspAdapter {
  readonly mac: MacAddress;
  /** The configured MTU: the largest the guest may use. */
  readonly mtu: number;
  readonly linkUp: boolean;
  readonly versions: readonly number[];
  readonly maxReceiveBufferSize: number;
  readonly maxSendBufferSize: number;
  readonly counts: NetvspCounters;
  /** Sends a frame from the guest into the switch; false when the port dropped it. */
  sendFrame(frame: Uint8Array, offset: number, length: number): boolean;
  /** Whether the port can take `frames` more frames of `bytes` bytes in all now (see `SwitchPortHandle.hasRoomFor`). */
  hasSendRoom(frames: number, bytes: number): boolean;
  /** Calls `listener` once, when the port has room again (see `SwitchPortHandle.whenRoom`). */
  whenSendRoom(listener: () => void): void;
}

/** Bytes of a slot (and of a send section) for frames of `mtu`: RNDIS header, Ethernet header, VLAN tag, payload. */
export function netvspSlotSize(mtu: number): number {
  return Math.ceil((RNDIS_PACKET_SIZE + ETHERNET_HEADER_SIZE + ETHERNET_VLAN_TAG_SIZE + mtu) / 64) * 64;
}

const FAILURE_COMPLETE = encodeNvspMessage({ type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, status: NvspStatus.FAILURE });
const SUCCESS_COMPLETE = encodeNvspMessage({ type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, status: NvspStatus.SUCCESS });
const NOTHING = new Uint8Array(0);
const RECEIVE_BUFFER_FAILURE: NvspMessage = {
  type: NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE,
  status: NvspStatus.FAILURE,
  numSections: 0,
  section: { offset: 0, subAllocationSize: 0, numSubAllocations: 0, endOffset: 0 },
};
const SEND_BUFFER_FAILURE: NvspMessage = { type: NvspMessageType.SEND_SEND_BUFFER_COMPLETE, status: NvspStatus.FAILURE, sectionSize: 0 };

/**
 * The NetVSP protocol engine of one open channel (PROTOCOLS.md §4): NVSP negotiation and buffers,
 * RNDIS over SEND_RNDIS_PACKET, frames both ways. Every guest message is validated; a bad one is
 * counted and answered with a failure status (or ignored when it wants no answer). Nothing the
 * guest sends makes it throw: only a broken ring faults the channel, in the channel itself.
 */
export class NetvspChannel implements RndisAdapterState {
  /** The NVSP version agreed, 0 before INIT. */
  version = 0;
  /** The MTU in force: the configured one, or lower if the guest asked. */
  mtu: number;
  /** The NDIS version the guest announced, `major << 16 | minor`; 0 before. */
  ndisVersion = 0;
  private receive: NetvspReceiveBuffer | undefined;
  private sendBytes: Uint8Array | undefined;
  private sendView: DataView | undefined;
  private sendSectionCount = 0;
  private readonly sectionSize: number;
  private readonly slotSize: number;
  private readonly rndis: RndisControl;
  private readonly frame: RndisFrame = { offset: 0, length: 0, perPacketInfoOffset: 0, perPacketInfoLength: 0, messageLength: 0 };
  private readonly scratch: Uint8Array;
  private readonly scratchView: DataView;
  private readonly backlog: Uint8Array[] = [];
  private readonly macHigh: number;
  private readonly macLow: number;
  /** Taking packets from the guest, unless paused for room in the switch port (or disposed). */
  private subscription: Subscription | undefined;
  /** The most frames one send section can carry: with the section's size, the room asked of the port before taking another. */
  private readonly sectionFrames: number;
  private disposed = false;
  private readonly receiver: Partial<Observer<IncomingPacket>> = {
    next: (packet) => this.onPacket(packet),
    error: () => void this.adapter.counts.channelFaults++,
  };
  private readonly resume = (): void => {
    if (this.disposed || this.subscription !== undefined) return;
    this.subscription = this.channel.packets$.subscribe(this.receiver);
  };

  constructor(
    private readonly channel: Channel,
    private readonly adapter: NetvspAdapter,
  ) {
    this.mtu = adapter.mtu;
    this.slotSize = netvspSlotSize(adapter.mtu);
    this.sectionSize = this.slotSize;
    this.scratch = new Uint8Array(this.slotSize + 4096);
    this.scratchView = new DataView(this.scratch.buffer);
    this.rndis = new RndisControl(this);
    this.macHigh = macHigh16(adapter.mac);
    this.macLow = macLow32(adapter.mac);
    this.sectionFrames = Math.floor(this.sectionSize / ((RNDIS_PACKET_SIZE + ETHERNET_HEADER_SIZE + 7) & ~7));
    this.subscription = channel.packets$.subscribe(this.receiver);
  }

  get mac(): MacAddress {
    return this.adapter.mac;
  }

  get linkUp(): boolean {
    return this.adapter.linkUp;
  }

  get maxTransferSize(): number {
    return this.sectionSize;
  }

  /** The guest's packet filter (0 until it sets one). */
  get packetFilter(): number {
    return this.rndis.packetFilter;
  }

  /** Whether frames can flow to the guest: a receive buffer, RNDIS initialized, a filter set. */
  get ready(): boolean {
    return this.receive !== undefined && this.rndis.initialized && this.rndis.packetFilter !== 0;
  }

  /** Receive slots free now (0 without a receive buffer). */
  get freeReceiveSlots(): number {
    return this.receive?.freeSlots ?? 0;
  }

  /**
   * A frame from the switch for this adapter: copied into the receive buffer, or dropped and
   * counted (false). Allocates nothing.
   */
  receiveFrame(frame: Uint8Array, offset: number, length: number): boolean {
    const counters = this.adapter.counts;
    const receive = this.receive;
    if (receive === undefined || !this.rndis.initialized) {
      counters.receiveDroppedNotReady++;
      return false;
    }
    if (!this.adapter.linkUp) {
      counters.receiveDroppedLinkDown++;
      return false;
    }
    if (!this.accepts(frame, offset)) {
      counters.receiveDroppedFiltered++;
      return false;
    }
    if (length > this.mtu + ETHERNET_HEADER_SIZE + ETHERNET_VLAN_TAG_SIZE) {
      counters.receiveDroppedOversize++;
      return false;
    }
    if (!receive.writeFrame(frame, offset, length)) {
      counters.receiveDroppedNoSlot++;
      return false;
    }
    counters.framesReceived++;
    counters.bytesReceived += length;
    return true;
  }

  /** Tells the guest the link went up or down (once RNDIS is initialized). */
  indicateLink(up: boolean): void {
    if (!this.rndis.initialized) return;
    this.sendControl(
      encodeRndisMessage({ type: RndisMessageType.INDICATE_STATUS, status: up ? RndisStatus.MEDIA_CONNECT : RndisStatus.MEDIA_DISCONNECT, statusBuffer: NOTHING }),
    );
  }

  /** Stops serving: the channel closed. */
  dispose(): void {
    this.disposed = true;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.receive?.close();
    this.receive = undefined;
    this.backlog.length = 0;
  }

  /** The packet filter's verdict on the destination of the frame at `offset`. */
  private accepts(frame: Uint8Array, offset: number): boolean {
    const filter = this.rndis.packetFilter;
    if ((filter & NdisPacketFilter.PROMISCUOUS) !== 0) return true;
    const first = frame[offset]!;
    if ((first & 1) !== 0) {
      const broadcast = (first & frame[offset + 1]! & frame[offset + 2]! & frame[offset + 3]! & frame[offset + 4]! & frame[offset + 5]!) === 0xff;
      return (filter & (broadcast ? NdisPacketFilter.BROADCAST : NdisPacketFilter.MULTICAST | NdisPacketFilter.ALL_MULTICAST)) !== 0;
    }
    return (
      (filter & NdisPacketFilter.DIRECTED) !== 0 &&
      ((first << 8) | frame[offset + 1]!) === this.macHigh &&
      ((frame[offset + 2]! << 24) | (frame[offset + 3]! << 16) | (frame[offset + 4]! << 8) | frame[offset + 5]!) === this.macLow
    );
  }

  private onPacket(packet: IncomingPacket): void {
    try {
      const bytes = packet.bytes;
      const at = packet.payloadOffset;
      // The data path: SEND_RNDIS_PACKET, read in place without decoding into objects.
      if (packet.payloadLength >= 16 && readU32LE(bytes, at) === NvspMessageType.SEND_RNDIS_PACKET) {
        this.onRndisPacket(packet, readU32LE(bytes, at + 4), readU32LE(bytes, at + 8), readU32LE(bytes, at + 12));
        return;
      }
      this.onControl(packet, readNvspMessage(packet.payload(), 'guest'));
    } catch (error) {
      if (!(error instanceof ProtocolError) && !(error instanceof RangeError)) {
        // Not the guest's input but a failure of this VSP: it ends this channel, never the host.
        this.adapter.counts.internalErrors++;
        this.channel.close();
        return;
      }
      this.adapter.counts.protocolErrors++;
      this.finish(packet, this.failureFor(packet));
    }
  }

  /** The failure answer to a bad message: shaped as the completion its type expects. */
  private failureFor(packet: IncomingPacket): Uint8Array | undefined {
    const type = packet.payloadLength >= 4 ? readU32LE(packet.bytes, packet.payloadOffset) : 0;
    switch (type) {
      case NvspMessageType.INIT:
        return encodeNvspMessage({ type: NvspMessageType.INIT_COMPLETE, negotiatedProtocolVersion: 0, maxMdlChainLength: 0, status: NvspStatus.FAILURE });
      case NvspMessageType.SEND_RECEIVE_BUFFER:
        return encodeNvspMessage(RECEIVE_BUFFER_FAILURE);
      case NvspMessageType.SEND_SEND_BUFFER:
        return encodeNvspMessage(SEND_BUFFER_FAILURE);
      case NvspMessageType.SUBCHANNEL:
        return encodeNvspMessage({ type: NvspMessageType.SUBCHANNEL, status: NvspStatus.FAILURE, numSubchannels: 0 });
      default:
        return FAILURE_COMPLETE;
    }
  }

  /** Completes `packet` if its sender asked (always: an owed completion holds ring space), with `reply` if any. */
  private finish(packet: IncomingPacket, reply: Uint8Array | undefined): void {
    if (packet.completionRequested) this.channel.complete(packet, reply ?? NOTHING);
    else if (reply !== undefined && packet.payloadLength >= 4) void this.channel.send({ payload: reply }).catch(() => undefined);
  }

  private refuse(packet: IncomingPacket, message: NvspMessage): void {
    this.adapter.counts.protocolErrors++;
    this.finish(packet, encodeNvspMessage(message));
  }

  private onControl(packet: IncomingPacket, message: NvspGuestMessage): void {
    const counters = this.adapter.counts;
    if (message.type !== NvspMessageType.INIT && this.version === 0) {
      counters.protocolErrors++;
      this.finish(packet, this.failureFor(packet));
      return;
    }
    switch (message.type) {
      case NvspMessageType.INIT: {
        const agreed = this.version === 0 ? this.negotiate(message.minProtocolVersion, message.maxProtocolVersion) : 0;
        if (agreed === 0) {
          this.refuse(packet, { type: NvspMessageType.INIT_COMPLETE, negotiatedProtocolVersion: 0, maxMdlChainLength: 0, status: NvspStatus.FAILURE });
          return;
        }
        this.version = agreed;
        this.finish(packet, encodeNvspMessage({ type: NvspMessageType.INIT_COMPLETE, negotiatedProtocolVersion: agreed, maxMdlChainLength: 0, status: NvspStatus.SUCCESS }));
        return;
      }
      case NvspMessageType.SEND_NDIS_VERSION:
        if (message.ndisMajorVersion !== 6) counters.protocolErrors++;
        else this.ndisVersion = (message.ndisMajorVersion << 16) | (message.ndisMinorVersion & 0xffff);
        this.finish(packet, undefined);
        return;
      case NvspMessageType.SEND_NDIS_CONFIG: {
        // The field is the frame size, Ethernet header included, as Linux sends it (MTU + 14).
        const mtu = message.mtu - ETHERNET_HEADER_SIZE;
        // A guest asking for more than the adapter's MTU gets the adapter's (it reads it back with an OID).
        if (this.version < NvspVersion.V2 || !(mtu >= MIN_GUEST_MTU)) counters.protocolErrors++;
        else this.mtu = Math.min(mtu, this.adapter.mtu);
        this.finish(packet, undefined);
        return;
      }
      case NvspMessageType.SEND_RECEIVE_BUFFER:
        this.mapReceiveBuffer(packet, message.gpadlHandle, message.id);
        return;
      case NvspMessageType.SEND_SEND_BUFFER:
        this.mapSendBuffer(packet, message.gpadlHandle, message.id);
        return;
      case NvspMessageType.REVOKE_RECEIVE_BUFFER:
        // From here on the guest may tear the buffer's GPADL down: nothing more is written into it.
        if (message.id !== NVSP_RECEIVE_BUFFER_ID || this.receive === undefined) counters.protocolErrors++;
        else {
          this.receive.close();
          this.receive = undefined;
          this.backlog.length = 0;
        }
        this.finish(packet, undefined);
        return;
      case NvspMessageType.REVOKE_SEND_BUFFER:
        if (message.id !== NVSP_SEND_BUFFER_ID || this.sendBytes === undefined) counters.protocolErrors++;
        else {
          this.sendBytes = undefined;
          this.sendView = undefined;
          this.sendSectionCount = 0;
        }
        this.finish(packet, undefined);
        return;
      case NvspMessageType.SUBCHANNEL:
        // One queue: sub-channels are not offered.
        this.finish(packet, encodeNvspMessage({ type: NvspMessageType.SUBCHANNEL, status: NvspStatus.FAILURE, numSubchannels: 0 }));
        return;
      default:
        // SEND_RNDIS_PACKET shorter than its body, or a completion sent as data.
        counters.protocolErrors++;
        this.finish(packet, FAILURE_COMPLETE);
    }
  }

  /** The highest version both sides support within the guest's range; 0 if none. */
  private negotiate(min: number, max: number): number {
    let best = 0;
    for (const version of this.adapter.versions) if (version >= min && version <= max && version > best) best = version;
    return best;
  }

  /**
   * The buffer a SEND_RECEIVE_BUFFER or SEND_SEND_BUFFER names by GPADL handle, or undefined after
   * counting why not (failure answered by the caller): an unknown handle, one of another device or
   * torn down (the channel finds none), or scattered pages.
   * @throws ProtocolError for a GPADL that is not whole pages of guest RAM or is too large.
   */
  private mapBuffer(gpadlHandle: number, maxBytes: number): Uint8Array | undefined {
    const counters = this.adapter.counts;
    const memory = this.channel.memory;
    const pages = this.channel.gpadl(gpadlHandle);
    if (memory === undefined || pages === undefined) {
      counters.protocolErrors++;
      return undefined;
    }
    const bytes = mapGuestBuffer(pages, memory, maxBytes);
    if (bytes === undefined) counters.buffersNotContiguous++;
    return bytes;
  }

  private mapReceiveBuffer(packet: IncomingPacket, gpadlHandle: number, id: number): void {
    if (id !== NVSP_RECEIVE_BUFFER_ID || this.receive !== undefined) {
      this.refuse(packet, RECEIVE_BUFFER_FAILURE);
      return;
    }
    const bytes = this.mapBuffer(gpadlHandle, this.adapter.maxReceiveBufferSize);
    if (bytes === undefined) {
      this.finish(packet, encodeNvspMessage(RECEIVE_BUFFER_FAILURE));
      return;
    }
    if (bytes.byteLength < NETVSP_SLOT_BASE + this.slotSize) {
      this.refuse(packet, RECEIVE_BUFFER_FAILURE);
      return;
    }
    const counters = this.adapter.counts;
    const receive = new NetvspReceiveBuffer(this.channel, bytes, this.slotSize, {
      sent: () => void counters.receivePackets++,
      slotsFreed: () => this.drainBacklog(),
      badCompletion: () => void counters.protocolErrors++,
    });
    this.receive = receive;
    this.finish(packet, encodeNvspMessage({ type: NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE, status: NvspStatus.SUCCESS, numSections: 1, section: receive.section }));
  }

  private mapSendBuffer(packet: IncomingPacket, gpadlHandle: number, id: number): void {
    if (id !== NVSP_SEND_BUFFER_ID || this.sendBytes !== undefined) {
      this.refuse(packet, SEND_BUFFER_FAILURE);
      return;
    }
    const bytes = this.mapBuffer(gpadlHandle, this.adapter.maxSendBufferSize);
    if (bytes === undefined) {
      this.finish(packet, encodeNvspMessage(SEND_BUFFER_FAILURE));
      return;
    }
    if (bytes.byteLength < this.sectionSize) {
      this.refuse(packet, SEND_BUFFER_FAILURE);
      return;
    }
    this.sendBytes = bytes;
    this.sendView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.sendSectionCount = Math.floor(bytes.byteLength / this.sectionSize);
    this.finish(packet, encodeNvspMessage({ type: NvspMessageType.SEND_SEND_BUFFER_COMPLETE, status: NvspStatus.SUCCESS, sectionSize: this.sectionSize }));
  }

  /** SEND_RNDIS_PACKET: RNDIS messages in a send-buffer section (data: one or more) or in GPA-direct ranges. */
  private onRndisPacket(packet: IncomingPacket, channelType: number, sectionIndex: number, sectionSize: number): void {
    const counters = this.adapter.counts;
    let view: DataView;
    let bytes: Uint8Array;
    let offset: number;
    let length: number;
    if (sectionIndex !== NVSP_SEND_SECTION_INDEX_NONE) {
      if (this.sendView === undefined || sectionIndex >= this.sendSectionCount || sectionSize === 0 || sectionSize > this.sectionSize) {
        counters.protocolErrors++;
        this.finish(packet, FAILURE_COMPLETE);
        return;
      }
      view = this.sendView;
      bytes = this.sendBytes!;
      offset = sectionIndex * this.sectionSize;
      length = sectionSize;
    } else {
      length = this.gatherRanges(packet);
      if (length < 0) {
        counters.protocolErrors++;
        this.finish(packet, FAILURE_COMPLETE);
        return;
      }
      view = this.scratchView;
      bytes = this.scratch;
      offset = 0;
    }
    if (channelType === NvspChannelType.DATA) this.onDataPacket(packet, view, bytes, offset, length);
    else if (channelType === NvspChannelType.CONTROL) this.onRndisControl(packet, bytes.slice(offset, offset + length));
    else {
      counters.protocolErrors++;
      this.finish(packet, FAILURE_COMPLETE);
    }
  }

  /** Copies the GPA-direct ranges of `packet`, in order, into the scratch buffer; -1 if they are bad or too long. */
  private gatherRanges(packet: IncomingPacket): number {
    const memory = this.channel.memory;
    if (memory === undefined) return -1;
    const list = packet.gpaRanges();
    if (list.totalBytes > this.scratch.length) return -1;
    let length = 0;
    for (let r = 0; r < list.ranges.length; r++) {
      for (const segment of list.segments(memory, r)) {
        this.scratch.set(segment, length);
        length += segment.length;
      }
    }
    return length;
  }

  /**
   * The RNDIS_PACKETs in `length` bytes at `offset`, back to back, each 8-byte aligned (Linux's
   * multi-send batch), answered once: with a failure if one was oversize, or malformed — that one
   * is counted and the rest dropped, as nothing after it can be trusted. Reads nothing outside
   * those bytes.
   */
  private onDataPacket(packet: IncomingPacket, view: DataView, bytes: Uint8Array, offset: number, length: number): void {
    const counters = this.adapter.counts;
    if (!this.rndis.initialized) {
      counters.protocolErrors++;
      this.finish(packet, FAILURE_COMPLETE);
      return;
    }
    const maxFrame = this.mtu + ETHERNET_HEADER_SIZE + ETHERNET_VLAN_TAG_SIZE;
    const frame = this.frame;
    const end = offset + length;
    let reply = SUCCESS_COMPLETE;
    for (let at = offset; at < end; at += (frame.messageLength + 7) & ~7) {
      try {
        checkRndisPacket(view, at, end - at, frame);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        counters.protocolErrors++;
        reply = FAILURE_COMPLETE;
        break;
      }
      if (frame.length > maxFrame) {
        counters.sendsOversize++;
        reply = FAILURE_COMPLETE;
      } else if (this.adapter.linkUp && this.adapter.sendFrame(bytes, frame.offset, frame.length)) {
        counters.framesSent++;
        counters.bytesSent += frame.length;
      } else {
        // Like a NIC, the adapter reports the frame sent even when the switch dropped it.
        counters.sendsRefused++;
      }
    }
    this.finish(packet, reply);
    if (!this.adapter.hasSendRoom(this.sectionFrames, this.sectionSize)) this.pauseForRoom();
  }

  /**
   * The port could not take another full section: leave the guest's next packets in its ring
   * (the guest's sections stay in flight, so its sends wait) until the port has room again, rather
   * than take frames only for the switch to drop them.
   */
  private pauseForRoom(): void {
    if (this.subscription === undefined) return;
    this.adapter.counts.sendPauses++;
    this.subscription.unsubscribe();
    this.subscription = undefined;
    this.adapter.whenSendRoom(this.resume);
  }

  private onRndisControl(packet: IncomingPacket, message: Uint8Array): void {
    const counters = this.adapter.counts;
    const outcome = this.rndis.handle(readRndisMessage(message));
    if (outcome.protocolError) counters.protocolErrors++;
    counters.controlMessages++;
    if (outcome.reply !== undefined) {
      if (this.receive === undefined) counters.controlDropped++;
      else this.sendControl(encodeRndisMessage(outcome.reply));
    }
    this.finish(packet, outcome.protocolError && outcome.reply === undefined ? FAILURE_COMPLETE : SUCCESS_COMPLETE);
  }

  /** Sends a control message through the receive buffer, or keeps it until a slot frees (bounded). */
  private sendControl(message: Uint8Array): void {
    const receive = this.receive;
    if (receive === undefined) {
      this.adapter.counts.controlDropped++;
      return;
    }
    if (this.backlog.length === 0 && receive.writeControl(message)) return;
    if (this.backlog.length >= NETVSP_CONTROL_BACKLOG) this.adapter.counts.controlDropped++;
    else this.backlog.push(message);
  }

  private drainBacklog(): void {
    const receive = this.receive;
    while (receive !== undefined && this.backlog.length > 0 && receive.writeControl(this.backlog[0]!)) this.backlog.shift();
  }
}

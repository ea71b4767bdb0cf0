import { ChannelStatus, type Channel, type CompletionReceiver, type IncomingPacket, type OutgoingPacket } from '@tsvisor/device-sdk';
import { ProtocolError, readU32LE } from '@tsvisor/wire';
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { ETHERNET_HEADER_SIZE, ETHERNET_VLAN_TAG_SIZE } from '../../protocol/ethernet.js';
import type { MacAddress } from '../../protocol/mac-address.js';
import { NvspChannelType, NvspMessageType, NvspStatus } from '../../protocol/nvsp-message-type.js';
import { encodeNvspMessage, NvspSendRndisPacket } from '../../protocol/nvsp-message.js';
import { RndisMessageType, RndisStatus } from '../../protocol/rndis-message-type.js';
import { encodeRndisMessage, readRndisMessage, type RndisMessage } from '../../protocol/rndis-message.js';
import { RNDIS_PACKET_SIZE, RndisPacket, checkRndisPacket, writeRndisPacketHeader, type RndisFrame } from '../../protocol/rndis-packet.js';
import type { FrameLink } from '../ip/frame-link.js';
import { emptyNetvscCounters, type NetvscCounters } from './netvsc-counters.js';

/** An RNDIS control reply, as the host sent it (completions carry a request id and a status). */
export type RndisReply = Extract<RndisMessage, { readonly requestId: number; readonly status: number }>;

/** The buffers the driver shared with the host during bring-up. */
export interface NetvscBuffers {
  /** The receive buffer (registered as transfer page set 0xCAFE on the channel). */
  readonly receive: Uint8Array;
  /** The send buffer, cut into `sectionSize` sections. */
  readonly send: Uint8Array;
  readonly sectionSize: number;
}

const SECTION_SIZE_AT = NvspSendRndisPacket.offsetOf('sendBufferSectionSize');
const MESSAGE_LENGTH_AT = RndisPacket.offsetOf('length');
const DATA_OFFSET_AT = RndisPacket.offsetOf('dataOffset');
/** Frames start 4 bytes after the 44-byte header, 8-byte aligned in the section. */
const FRAME_PAD = 4;
/** The smallest message a frame makes: header and Ethernet header (whether another fits in a section). */
const SMALLEST_MESSAGE = RNDIS_PACKET_SIZE + ETHERNET_HEADER_SIZE;
const RESOLVED = Promise.resolve();
const RECEIVE_OK = encodeNvspMessage({ type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, status: NvspStatus.SUCCESS });
const RECEIVE_FAILED = encodeNvspMessage({ type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, status: NvspStatus.FAILURE });

/**
 * The synthetic NIC as a guest program sees it (netvsc's device): a {@link FrameLink}, so that
 * `new IpStack(adapter, …)` works. `send` copies a frame into the open section of the send buffer,
 * after the frames already there, as Linux's netvsc batches ("multi-send data"): each RNDIS_PACKET
 * 8-byte aligned, one SEND_RNDIS_PACKET for the whole section once it is full or at the end of the
 * current turn (a microtask). A section is free again once the host completes it, so the sections
 * bound the frames in flight (`send` drops and counts when the open section is full and none is
 * free; {@link transmit} waits for room). Received frames are lent to the `onFrame` receivers
 * straight from the receive buffer, then the host's packet is completed.
 */
export class NetworkAdapter implements FrameLink {
  readonly counters: NetvscCounters = emptyNetvscCounters();
  /** Set by the driver once the host answered the OID queries. */
  mac = 0 as MacAddress;
  mtu = 0;
  private readonly link = new BehaviorSubject<boolean>(false);
  /** Link state changes from the host (media connect / disconnect indications). */
  readonly link$: Observable<boolean> = this.link.asObservable();
  private readonly receivers: ((frame: Uint8Array) => void)[] = [];
  private readonly replies = new Map<number, (reply: RndisReply) => void>();
  private readonly frame: RndisFrame = { offset: 0, length: 0, perPacketInfoOffset: 0, perPacketInfoLength: 0, messageLength: 0 };
  private buffers: NetvscBuffers | undefined;
  private receiveView: DataView | undefined;
  private sendView: DataView | undefined;
  private freeSections: Int32Array = new Int32Array(0);
  private freeCount = 0;
  private sectionPackets: (OutgoingPacket & { payload: Uint8Array })[] = [];
  private sectionPayloads: DataView[] = [];
  private sectionReceivers: CompletionReceiver[] = [];
  private readonly sectionWaiters: (() => void)[] = [];
  /** The section frames are being batched into, -1 for none. */
  private openSection = -1;
  /** Bytes used in the open section: the end of its last message. */
  private openLength = 0;
  private flushScheduled = false;
  private readonly flushTask = (): void => {
    this.flushScheduled = false;
    this.flush();
  };
  private nextRequestId = 1;
  private closed = false;
  private readonly subscription: Subscription | undefined;

  constructor(readonly channel: Channel) {
    this.subscription = channel.packets$.subscribe({
      next: (packet) => this.onPacket(packet),
      error: () => this.close(),
      complete: () => this.close(),
    });
  }

  /** Whether the link is up. */
  get linkUp(): boolean {
    return this.link.value;
  }

  /** Send sections free now. */
  get freeSendSections(): number {
    return this.freeCount;
  }

  /** @internal The driver hands over the buffers the host accepted. */
  useBuffers(buffers: NetvscBuffers): void {
    this.buffers = buffers;
    this.receiveView = new DataView(buffers.receive.buffer, buffers.receive.byteOffset, buffers.receive.byteLength);
    this.sendView = new DataView(buffers.send.buffer, buffers.send.byteOffset, buffers.send.byteLength);
    const count = Math.floor(buffers.send.byteLength / buffers.sectionSize);
    this.freeSections = new Int32Array(count);
    for (let i = 0; i < count; i++) this.freeSections[i] = count - 1 - i;
    this.freeCount = count;
    for (let section = 0; section < count; section++) {
      const payload = encodeNvspMessage({ type: NvspMessageType.SEND_RNDIS_PACKET, channelType: NvspChannelType.DATA, sendBufferSectionIndex: section, sendBufferSectionSize: 0 });
      this.sectionPackets.push({ payload });
      this.sectionPayloads.push(new DataView(payload.buffer));
      this.sectionReceivers.push({
        completed: (completion) => this.sectionDone(section, completion),
        abandoned: () => this.sectionDone(section, undefined),
      });
    }
  }

  /** @internal The driver sets the link state it queried. */
  setLink(up: boolean): void {
    if (this.link.value !== up) this.link.next(up);
  }

  /**
   * {@link FrameLink}: copies `frame` into the open send section (the host hears of it at the end of
   * this turn at the latest), or drops it (counted) if the link is down, it is not a frame the link
   * carries, or the open section is full and every other one is in flight.
   */
  send(frame: Uint8Array): void {
    const length = frame.length;
    if (!this.carries(length)) {
      this.counters.sendDropped++;
      return;
    }
    let at = this.openAt(length);
    if (at < 0) {
      this.flush();
      if (this.freeCount === 0) {
        this.counters.sendDropped++;
        return;
      }
      this.openSection = this.freeSections[--this.freeCount]!;
      at = 0;
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        void RESOLVED.then(this.flushTask);
      }
    }
    this.openLength = at + this.writeMessage(at, frame);
    this.counters.framesSent++;
    this.counters.bytesSent += length;
    if (align(this.openLength) + SMALLEST_MESSAGE > this.buffers!.sectionSize) this.flush();
  }

  /** Sends `frame`, waiting for room in a send section (backpressure). Resolves once the frame is on its way. */
  async transmit(frame: Uint8Array): Promise<void> {
    while (!this.closed && this.freeCount === 0 && this.openAt(frame.length) < 0) await new Promise<void>((resolve) => this.sectionWaiters.push(resolve));
    this.send(frame);
  }

  /** Tells the host about the frames in the open section now (otherwise done at the end of the turn). */
  flush(): void {
    const section = this.openSection;
    if (section < 0) return;
    this.openSection = -1;
    this.sectionPayloads[section]!.setUint32(SECTION_SIZE_AT, this.openLength, true);
    this.request(section, this.sectionPackets[section]!);
  }

  /** {@link FrameLink}: frames received are lent to `receiver`, during the call only. */
  onFrame(receiver: (frame: Uint8Array) => void): () => void {
    this.receivers.push(receiver);
    return () => {
      const at = this.receivers.indexOf(receiver);
      if (at >= 0) this.receivers.splice(at, 1);
    };
  }

  /**
   * @internal Sends an RNDIS control request in a send section and resolves with the host's reply
   * (which comes through the receive buffer). The request id is filled in.
   */
  async control(request: (requestId: number) => RndisMessage): Promise<RndisReply> {
    const buffers = this.buffers;
    if (!buffers) throw new Error('netvsc: no send buffer yet');
    while (!this.closed && this.freeCount === 0) await new Promise<void>((resolve) => this.sectionWaiters.push(resolve));
    if (this.closed) throw new Error('netvsc: the adapter is closed');
    const requestId = this.nextRequestId++;
    const bytes = encodeRndisMessage(request(requestId));
    if (bytes.length > buffers.sectionSize) throw new RangeError(`an RNDIS message of ${bytes.length} bytes does not fit a send section`);
    const section = this.freeSections[--this.freeCount]!;
    buffers.send.set(bytes, section * buffers.sectionSize);
    const reply = new Promise<RndisReply>((resolve) => this.replies.set(requestId, resolve));
    const payload = encodeNvspMessage({ type: NvspMessageType.SEND_RNDIS_PACKET, channelType: NvspChannelType.CONTROL, sendBufferSectionIndex: section, sendBufferSectionSize: bytes.length });
    this.request(section, { payload });
    return reply;
  }

  /** The channel is gone: pending sends and control requests end. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Undefined when the channel had ended already and packets$ completed inside subscribe.
    this.subscription?.unsubscribe();
    this.setLink(false);
    this.link.complete();
    for (const wake of this.sectionWaiters.splice(0)) wake();
    this.replies.clear();
  }

  /** Whether a frame of `length` bytes may go now: the adapter is up and the link carries such frames. */
  private carries(length: number): boolean {
    const buffers = this.buffers;
    return (
      !this.closed &&
      buffers !== undefined &&
      this.link.value &&
      length >= ETHERNET_HEADER_SIZE &&
      length <= this.mtu + ETHERNET_HEADER_SIZE + ETHERNET_VLAN_TAG_SIZE &&
      RNDIS_PACKET_SIZE + length <= buffers.sectionSize
    );
  }

  /** Where a message for a frame of `length` bytes goes in the open section, or -1 if there is none or it is too full. */
  private openAt(length: number): number {
    if (this.openSection < 0) return -1;
    const at = align(this.openLength);
    return at + RNDIS_PACKET_SIZE + length <= this.buffers!.sectionSize ? at : -1;
  }

  /** Writes `frame` as an RNDIS_PACKET `at` bytes into the open section; returns the message's length. */
  private writeMessage(at: number, frame: Uint8Array): number {
    const sectionSize = this.buffers!.sectionSize;
    const view = this.sendView!;
    const start = this.openSection * sectionSize + at;
    let messageLength = writeRndisPacketHeader(view, start, frame.length);
    let frameAt = start + RNDIS_PACKET_SIZE;
    if (at + messageLength + FRAME_PAD <= sectionSize) {
      // Four bytes of gap after the header put the frame on an 8-byte boundary.
      messageLength += FRAME_PAD;
      frameAt += FRAME_PAD;
      view.setUint32(start + MESSAGE_LENGTH_AT, messageLength, true);
      view.setUint32(start + DATA_OFFSET_AT, view.getUint32(start + DATA_OFFSET_AT, true) + FRAME_PAD, true);
    }
    this.buffers!.send.set(frame, frameAt);
    return messageLength;
  }

  /** Sends the SEND_RNDIS_PACKET of `section`; the section is free again at its completion, or at once if the channel has ended. */
  private request(section: number, packet: OutgoingPacket): void {
    const receiver = this.sectionReceivers[section]!;
    if (this.channel.state !== ChannelStatus.Open) {
      this.sectionDone(section, undefined);
      return;
    }
    this.channel.sendRequest(packet, receiver);
  }

  private sectionDone(section: number, completion: IncomingPacket | undefined): void {
    if (completion !== undefined) {
      const bytes = completion.bytes;
      const at = completion.payloadOffset;
      const ok = completion.payloadLength >= 8 && readU32LE(bytes, at) === NvspMessageType.SEND_RNDIS_PACKET_COMPLETE && readU32LE(bytes, at + 4) === NvspStatus.SUCCESS;
      if (!ok) this.counters.sendFailed++;
    }
    this.freeSections[this.freeCount++] = section;
    const wake = this.sectionWaiters.shift();
    wake?.();
  }

  /** A transfer-page packet from the host: RNDIS messages in receive-buffer ranges. */
  private onPacket(packet: IncomingPacket): void {
    let status = RECEIVE_OK;
    try {
      this.receive(packet);
    } catch (error) {
      if (!(error instanceof ProtocolError) && !(error instanceof RangeError)) throw error;
      this.counters.protocolErrors++;
      status = RECEIVE_FAILED;
    }
    this.channel.complete(packet, status);
  }

  private receive(packet: IncomingPacket): void {
    const buffers = this.buffers;
    const view = this.receiveView;
    if (buffers === undefined || view === undefined) throw new ProtocolError('a packet came before the receive buffer was shared', { layout: 'NvspMessage', path: 'type' });
    if (packet.payloadLength < 8 || readU32LE(packet.bytes, packet.payloadOffset) !== NvspMessageType.SEND_RNDIS_PACKET) {
      throw new ProtocolError('the host sent something other than SEND_RNDIS_PACKET', { layout: 'NvspMessageHeader', path: 'type', offset: 0 });
    }
    const list = packet.transferPages();
    const frame = this.frame;
    for (let r = 0; r < list.ranges.length; r++) {
      const { byteOffset, byteCount } = list.ranges[r]!;
      if (byteCount >= 4 && view.getUint32(byteOffset, true) === RndisMessageType.PACKET) {
        checkRndisPacket(view, byteOffset, byteCount, frame);
        this.counters.framesReceived++;
        this.counters.bytesReceived += frame.length;
        const receivers = this.receivers;
        if (receivers.length === 0) continue;
        const bytes = buffers.receive.subarray(frame.offset, frame.offset + frame.length);
        for (let i = 0; i < receivers.length; i++) receivers[i]!(bytes);
      } else {
        this.onControl(readRndisMessage(buffers.receive.slice(byteOffset, byteOffset + byteCount)));
      }
    }
  }

  private onControl(message: RndisMessage): void {
    if (message.type === RndisMessageType.INDICATE_STATUS) {
      this.counters.statusIndications++;
      if (message.status === RndisStatus.MEDIA_CONNECT) this.setLink(true);
      else if (message.status === RndisStatus.MEDIA_DISCONNECT) this.setLink(false);
      return;
    }
    if ('requestId' in message && 'status' in message) {
      const resolve = this.replies.get(message.requestId);
      if (resolve) {
        this.replies.delete(message.requestId);
        resolve(message as RndisReply);
        return;
      }
    }
    this.counters.protocolErrors++;
  }
}

/** `offset` rounded up to 8: each message of a batch starts 8-byte aligned (RNDIS_PKT_ALIGN_DEFAULT). */
function align(offset: number): number {
  return (offset + 7) & ~7;
}

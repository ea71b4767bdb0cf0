import { ChannelStatus, type Channel, type PageMemory } from '@tsvisor/device-sdk';
import { ProtocolError } from '@tsvisor/wire';
import { firstValueFrom } from 'rxjs';
import {
  VSTOR_FLAG_REQUEST_COMPLETION,
  VSTOR_GUEST_VERSIONS,
  VSTOR_PACKET_SIZE,
  VSTOR_PROPERTY_MULTI_CHANNEL,
  VmscsiDataDirection,
  VstorChannelProperties,
  VstorOperation,
  VstorPropertiesPacket,
  VstorSrbPacket,
  VstorStatus,
  VstorSubChannelPacket,
  VstorVersionPacket,
  vstorPacketLength,
  type VstorVersion as Version,
} from '../protocol/index.js';
import { SrbRequest, type SrbRequestOwner } from './srb-request.js';

const OPERATION = VstorSrbPacket.offsetOf('operation');
const FLAGS = VstorSrbPacket.offsetOf('flags');
const STATUS = VstorSrbPacket.offsetOf('status');
const VERSION = VstorVersionPacket.offsetOf('version');
const PROPERTIES = VstorPropertiesPacket.offsetOf('properties');
const SUB_CHANNEL_COUNT = VstorSubChannelPacket.offsetOf('subChannelCount');

/** What the host said in QUERY_PROPERTIES. */
export interface StorvscProperties {
  /** Sub-channels the guest may ask for (0 without multi-channel). */
  readonly maxSubChannels: number;
  /** Largest transfer of one request. */
  readonly maxTransferBytes: number;
}

/** A SCSI command's data: `length` bytes of guest memory from byte `gpa`, moving in `direction`. */
export interface SrbData {
  readonly gpa: number;
  readonly length: number;
  readonly direction: VmscsiDataDirection;
}

/** How a SCSI command that did not fail ended. */
export interface SrbResult {
  /** Bytes that moved (fewer than asked with DATA_OVERRUN, the host's way to report an underrun). */
  readonly dataTransferred: number;
}

/**
 * The guest end of a storvsc channel, the primary or a sub-channel: the bring-up and
 * CREATE_SUB_CHANNELS on the primary (PROTOCOLS.md §3), and SCSI requests on any, each a vstor
 * packet sent with completion requested (many may be in flight, told apart by the channel's own
 * transaction ids), its data by GPA-direct ranges of guest pages.
 */
export class StorvscChannel implements SrbRequestOwner {
  /** The protocol version the host accepted (0 before the bring-up). */
  version = 0;
  properties: StorvscProperties = { maxSubChannels: 0, maxTransferBytes: 0 };
  /** SCSI requests this channel carried that the host answered. */
  requests = 0;
  private requestsInFlight = 0;
  /** Requests to reuse. */
  private readonly idle: SrbRequest[] = [];
  /** Called whenever a request of this channel settles (the I/O queues wake a waiting request). */
  onRequestDone: (() => void) | undefined;

  constructor(readonly channel: Channel) {}

  /** SCSI requests sent on this channel and not yet answered. */
  get inFlight(): number {
    return this.requestsInFlight;
  }

  /** Whether the channel can still carry requests (not closed, revoked or faulted). */
  get isOpen(): boolean {
    return this.channel.state === ChannelStatus.Open;
  }

  /** A sub-channel of this primary, once it is brought up: it speaks the agreed version. */
  subChannel(channel: Channel): StorvscChannel {
    const sub = new StorvscChannel(channel);
    sub.version = this.version;
    sub.properties = this.properties;
    return sub;
  }

  /** Guest memory, into which GPA-direct ranges point. */
  get memory(): PageMemory {
    const memory = this.channel.memory;
    if (!memory) throw new Error('a storvsc channel needs guest memory for its data');
    return memory;
  }

  /**
   * BEGIN_INITIALIZATION, QUERY_PROTOCOL_VERSION with each of `versions` until the host accepts
   * one, QUERY_PROPERTIES, END_INITIALIZATION.
   * @throws ProtocolError - if the host refuses a step or accepts none of the versions.
   */
  async initialize(versions: readonly Version[] = VSTOR_GUEST_VERSIONS): Promise<void> {
    await this.control(this.packet(VstorOperation.BEGIN_INITIALIZATION), 'BEGIN_INITIALIZATION');
    for (const version of versions) {
      const packet = this.packet(VstorOperation.QUERY_PROTOCOL_VERSION);
      new DataView(packet.buffer).setUint16(VERSION, version, true);
      const reply = await this.send(packet);
      if (reply.getUint32(STATUS, true) === VstorStatus.SUCCESS) {
        this.version = version;
        break;
      }
    }
    if (this.version === 0) throw this.failure('QUERY_PROTOCOL_VERSION', `the host accepts none of versions ${versions.map((v) => `${v >> 8}.${v & 0xff}`).join(', ')}`);
    const properties = await this.control(this.packet(VstorOperation.QUERY_PROPERTIES), 'QUERY_PROPERTIES');
    const multiChannel = (properties.getUint32(PROPERTIES + VstorChannelProperties.offsetOf('flags'), true) & VSTOR_PROPERTY_MULTI_CHANNEL) !== 0;
    this.properties = {
      maxSubChannels: multiChannel ? properties.getUint16(PROPERTIES + VstorChannelProperties.offsetOf('maxChannelCount'), true) : 0,
      maxTransferBytes: properties.getUint32(PROPERTIES + VstorChannelProperties.offsetOf('maxTransferBytes'), true),
    };
    await this.control(this.packet(VstorOperation.END_INITIALIZATION), 'END_INITIALIZATION');
  }

  /**
   * CREATE_SUB_CHANNELS: asks the host to offer `count` sub-channels (within the properties' maximum).
   * @throws ProtocolError - if the host refuses.
   */
  async createSubChannels(count: number): Promise<void> {
    const packet = this.packet(VstorOperation.CREATE_SUB_CHANNELS);
    new DataView(packet.buffer).setUint16(SUB_CHANNEL_COUNT, count, true);
    await this.control(packet, 'CREATE_SUB_CHANNELS');
  }

  /**
   * Executes `cdb` on `lun` with `data`.
   * @throws ScsiCommandError - if the command did not succeed (DATA_OVERRUN, a short transfer, counts as success).
   */
  async execute(lun: number, cdb: Uint8Array, data?: SrbData): Promise<SrbResult> {
    const request = this.take();
    request.setCdb(cdb);
    const dataTransferred = await this.start(request, lun, cdb.length, data?.gpa ?? 0, data?.length ?? 0, data?.direction ?? VmscsiDataDirection.NONE);
    return { dataTransferred };
  }

  /**
   * A free request of this channel (the fast path reuses them), to fill with its CDB (and I/O
   * pages, if any) and {@link start}. Counts as in flight from now on.
   */
  take(): SrbRequest {
    this.requestsInFlight++;
    return this.idle.pop() ?? new SrbRequest(this);
  }

  /**
   * Sends `request` (from {@link take}, its CDB of `cdbLength` bytes set) to `lun` with `length`
   * bytes of data at `gpa` moving in `direction`. Resolves with the bytes that moved.
   * @throws ScsiCommandError - if the command did not succeed (DATA_OVERRUN counts as success).
   */
  start(request: SrbRequest, lun: number, cdbLength: number, gpa: number, length: number, direction: VmscsiDataDirection): Promise<number> {
    const outcome = request.prepare(this.version, lun, cdbLength, gpa, length, direction);
    try {
      this.channel.sendRequest(request.outgoingPacket, request);
    } catch (error) {
      // The channel has ended, or holds as many requests as it may: this one fails.
      request.abandoned(error as Error);
    }
    return outcome;
  }

  /** A request settled (see {@link SrbRequestOwner}): it goes back to the free ones. */
  srbDone(request: SrbRequest, answered: boolean): void {
    this.requestsInFlight--;
    if (answered) this.requests++;
    this.idle.push(request);
    this.onRequestDone?.();
  }

  /** A zeroed vstor packet of `operation` asking for completion. */
  private packet(operation: VstorOperation): Uint8Array {
    const packet = new Uint8Array(VSTOR_PACKET_SIZE);
    const view = new DataView(packet.buffer);
    view.setUint32(OPERATION, operation, true);
    view.setUint32(FLAGS, VSTOR_FLAG_REQUEST_COMPLETION, true);
    return packet;
  }

  /** A bring-up step: the host must complete it with success. */
  private async control(packet: Uint8Array, step: string): Promise<DataView> {
    const reply = await this.send(packet);
    if (reply.getUint32(OPERATION, true) !== VstorOperation.COMPLETE_IO || reply.getUint32(STATUS, true) !== VstorStatus.SUCCESS) {
      throw this.failure(step, `the host answered status 0x${reply.getUint32(STATUS, true).toString(16)}`);
    }
    return reply;
  }

  /** Sends a packet (the shorter pre-Windows 8 one before 5.1) and returns its completion, zero-padded to a full packet. */
  private async send(packet: Uint8Array): Promise<DataView> {
    const { payload } = await firstValueFrom(this.channel.request({ payload: packet, length: vstorPacketLength(this.version) }));
    const reply = new Uint8Array(VSTOR_PACKET_SIZE);
    reply.set(payload.subarray(0, VSTOR_PACKET_SIZE));
    return new DataView(reply.buffer);
  }

  private failure(step: string, problem: string): ProtocolError {
    return new ProtocolError(`storvsc ${step}: ${problem}`, { layout: 'VstorPacket', path: 'status', offset: STATUS });
  }
}

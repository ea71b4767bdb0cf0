import type { Channel, IncomingPacket } from '@tsvisor/device-sdk';
import { ProtocolError } from '@tsvisor/wire';
import type { Observer, Subscription } from 'rxjs';
import {
  SRB_STATUS_AUTOSENSE_VALID,
  SrbStatus,
  VMSCSI_REQUEST_SIZE,
  VMSCSI_REQUEST_SIZE_PRE_WIN8,
  VSTOR_PACKET_SIZE,
  VmscsiDataDirection,
  VstorChannelProperties,
  VstorOperation,
  VstorPropertiesPacket,
  VSTOR_SRB_OFFSETS,
  VstorStatus,
  VstorSubChannelPacket,
  VstorVersionPacket,
  VSTOR_PROPERTY_MULTI_CHANNEL,
  checkVstorPacket,
  srbStatusCode,
} from '../../protocol/index.js';
import { runClock } from '../run-clock.js';
import type { ScsiController } from '../scsi/scsi-controller.js';
import type { ScsiTarget } from '../scsi/scsi-target.js';
import { SrbSlot } from './srb-slot.js';
import { countLatency, type StorvspCounters } from './storvsp-counters.js';
import type { StorvspInitialization } from './storvsp-initialization.js';

/** SCSI requests one channel has in flight at most; beyond that it stops reading its ring. */
export const STORVSP_MAX_IN_FLIGHT = 64;

/** A vstor packet in 32-bit words (its size is a multiple of 4). */
const PACKET_WORDS = VSTOR_PACKET_SIZE >>> 2;

/** Smallest vstor packet: before protocol 5.1 the request lacks its 16-byte Windows 8 extension. */
const MIN_PACKET_SIZE = VSTOR_PACKET_SIZE - (VMSCSI_REQUEST_SIZE - VMSCSI_REQUEST_SIZE_PRE_WIN8);

const {
  operation: OPERATION,
  flags: FLAGS,
  status: STATUS,
  srbStatus: SRB_STATUS,
  scsiStatus: SCSI_STATUS,
  pathId: PATH_ID,
  targetId: TARGET_ID,
  lun: LUN,
  cdbLength: CDB_LENGTH,
  senseInfoLength: SENSE_INFO_LENGTH,
  dataIn: DATA_IN,
  dataTransferLength: DATA_TRANSFER_LENGTH,
  cdbOrSense: CDB,
} = VSTOR_SRB_OFFSETS;
const VERSION = VstorVersionPacket.offsetOf('version');
const PROPERTIES = VstorPropertiesPacket.offsetOf('properties');
const MAX_CHANNEL_COUNT = PROPERTIES + VstorChannelProperties.offsetOf('maxChannelCount');
const PROPERTY_FLAGS = PROPERTIES + VstorChannelProperties.offsetOf('flags');
const MAX_TRANSFER_BYTES = PROPERTIES + VstorChannelProperties.offsetOf('maxTransferBytes');
const SUB_CHANNEL_COUNT = VstorSubChannelPacket.offsetOf('subChannelCount');

/** What a {@link StorvspChannel} shares with the rest of its device. */
export interface StorvspDevice {
  readonly controller: ScsiController;
  readonly counts: StorvspCounters;
  readonly maxTransferBytes: number;
  /** Sub-channels the guest may ask for. */
  readonly subChannels: number;
  /** The bring-up of the primary channel: sub-channels serve once it is complete. */
  readonly initialization: StorvspInitialization;
  /** CREATE_SUB_CHANNELS asking for `count` sub-channels; returns the NTSTATUS to answer. */
  createSubChannels(count: number): number;
}

/**
 * Serves one storvsp channel (the primary or a sub-channel): bring-up messages on the primary,
 * SCSI requests on any, each guest packet answered with a COMPLETION carrying a vstor packet.
 *
 * Every packet is copied out of the ring before it is read (the guest may still write there) and
 * checked in place; one that does not decode is answered with an error status and counted, never
 * thrown. SCSI requests run concurrently on the disks, up to {@link STORVSP_MAX_IN_FLIGHT}, each
 * completed as it finishes: in the turn that took it when the disk served it synchronously. With
 * every slot busy the channel stops reading (backpressure: the guest's ring fills). The data path
 * allocates nothing of its own beyond what mapping the guest's ranges costs.
 */
export class StorvspChannel {
  /** The last array packets came in (the ring's, or its scratch for a packet that wraps), as words. */
  private wordsOf: Uint8Array | undefined;
  private words = new Uint32Array(0);
  private readonly reply = new Uint8Array(VSTOR_PACKET_SIZE);
  private readonly replyView = new DataView(this.reply.buffer);
  private readonly slots: SrbSlot[] = [];
  private readonly free: SrbSlot[] = [];
  private subscription: Subscription | undefined;
  private closed = false;
  /** The batch of the last request taken (see `IncomingPacket.batch`). */
  private batch = -1;
  private readonly receiver: Observer<IncomingPacket> = {
    next: (packet) => this.receive(packet),
    // A fault of this channel: the VSP hears of it through the channel's state.
    error: () => undefined,
    complete: () => undefined,
  };

  constructor(
    private readonly channel: Channel,
    private readonly device: StorvspDevice,
    /** Whether this is the primary channel, which carries the bring-up. */
    private readonly primary: boolean,
  ) {
    for (let i = 0; i < STORVSP_MAX_IN_FLIGHT; i++) {
      const slot = new SrbSlot(device.maxTransferBytes, (done) => this.finish(done));
      this.slots.push(slot);
      this.free.push(slot);
    }
    this.subscription = channel.packets$.subscribe(this.receiver);
  }

  /** Requests in flight on this channel. */
  get inFlight(): number {
    return STORVSP_MAX_IN_FLIGHT - this.free.length;
  }

  /** Stops serving (the channel closed); requests in flight finish on their own. */
  close(): void {
    this.closed = true;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** Resolves when no request that went to `unit` (any request, if omitted) is in flight. */
  async idle(unit?: ScsiTarget): Promise<void> {
    await Promise.all(this.slots.filter((slot) => unit === undefined || slot.unit === unit).map((slot) => slot.running));
  }

  /** Sends an unsolicited notice (ENUMERATE_BUS, REMOVE_DEVICE) to the guest: a rescan is due. */
  notify(operation: VstorOperation): Promise<void> {
    const notice = new Uint8Array(VSTOR_PACKET_SIZE);
    new DataView(notice.buffer).setUint32(OPERATION, operation, true);
    return this.channel.send({ payload: notice });
  }

  private receive(packet: IncomingPacket): void {
    // The packet goes into the completion buffer of the slot it will take if it is an SRB (there
    // is one: with none free, the channel does not read): copied once, and echoed from there.
    const slot = this.free[this.free.length - 1]!;
    const length = this.copyIn(packet, slot);
    const view = slot.replyView;
    let operation: number;
    try {
      if (length < MIN_PACKET_SIZE) {
        this.device.counts.malformedPackets++;
        return this.answer(packet, slot, VstorStatus.UNSUCCESSFUL);
      }
      operation = checkVstorPacket(view, 0);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.device.counts.malformedPackets++;
      if (view.getUint32(OPERATION, true) === VstorOperation.EXECUTE_SRB) return this.refuseSrb(packet, slot, SrbStatus.INVALID_REQUEST);
      return this.answer(packet, slot, VstorStatus.UNSUCCESSFUL);
    }
    const initialization = this.device.initialization;
    switch (operation) {
      case VstorOperation.EXECUTE_SRB:
        return this.executeSrb(packet, slot, length);
      case VstorOperation.BEGIN_INITIALIZATION:
        return this.answer(packet, slot, this.primary ? this.counted(initialization.begin()) : this.outOfOrder());
      case VstorOperation.QUERY_PROTOCOL_VERSION:
        return this.answer(packet, slot, this.primary ? this.counted(initialization.proposeVersion(view.getUint16(VERSION, true))) : this.outOfOrder());
      case VstorOperation.QUERY_PROPERTIES:
        return this.answerProperties(packet, this.primary ? this.counted(initialization.queryProperties()) : this.outOfOrder());
      case VstorOperation.END_INITIALIZATION:
        return this.answer(packet, slot, this.primary ? this.counted(initialization.end()) : this.outOfOrder());
      case VstorOperation.CREATE_SUB_CHANNELS:
        return this.answer(packet, slot, this.createSubChannels(view.getUint16(SUB_CHANNEL_COUNT, true)));
      case VstorOperation.RESET_LUN:
      case VstorOperation.RESET_BUS:
      case VstorOperation.RESET_ADAPTER:
        return this.answer(packet, slot, this.reset());
      default:
        // COMPLETE_IO, REMOVE_DEVICE and ENUMERATE_BUS go from host to guest only.
        this.device.counts.malformedPackets++;
        return this.answer(packet, slot, VstorStatus.UNSUCCESSFUL);
    }
  }

  /**
   * Copies the packet's payload out of the ring into `slot`'s completion buffer (zero-padded to a
   * full packet); returns its length. A whole packet at a 4-byte boundary (the usual one: ring
   * packets are 8-byte aligned) goes a word at a time.
   */
  private copyIn(packet: IncomingPacket, slot: SrbSlot): number {
    const bytes = packet.bytes;
    const start = packet.payloadOffset;
    const length = packet.payloadLength < VSTOR_PACKET_SIZE ? packet.payloadLength : VSTOR_PACKET_SIZE;
    if (length === VSTOR_PACKET_SIZE && ((bytes.byteOffset | start) & 3) === 0) {
      if (bytes !== this.wordsOf) {
        this.wordsOf = bytes;
        this.words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
      }
      const words = this.words;
      const target = slot.replyWords;
      const from = start >>> 2;
      for (let i = 0; i < PACKET_WORDS; i++) target[i] = words[from + i]!;
      return length;
    }
    const target = slot.reply;
    for (let i = 0; i < length; i++) target[i] = bytes[start + i]!;
    target.fill(0, length);
    return length;
  }

  /** EXECUTE_SRB, already in `slot`'s completion buffer (`slot` is the next free one). */
  private executeSrb(packet: IncomingPacket, slot: SrbSlot, length: number): void {
    const view = slot.replyView;
    const device = this.device;
    if (!device.initialization.ready) {
      this.outOfOrder();
      return this.refuseSrb(packet, slot, SrbStatus.INVALID_REQUEST, VstorStatus.UNSUCCESSFUL);
    }
    // From 5.1 on the request carries its Windows 8 extension: a shorter packet is truncated.
    if (device.initialization.win8 && length < VSTOR_PACKET_SIZE) {
      device.counts.malformedPackets++;
      return this.refuseSrb(packet, slot, SrbStatus.INVALID_REQUEST, VstorStatus.UNSUCCESSFUL);
    }
    if (view.getUint8(PATH_ID) !== 0 || view.getUint8(TARGET_ID) !== 0) return this.refuseSrb(packet, slot, SrbStatus.INVALID_TARGET_ID);
    this.free.pop();
    // The first request of a batch reads the clock: the last reading of this run may be older than
    // its arrival (a polling channel spins for the next batch without ending the run).
    slot.startedAt = packet.batch === this.batch ? runClock.recent() : runClock.fresh();
    this.batch = packet.batch;
    slot.transactionIdLow = packet.transactionIdLow;
    slot.transactionIdHigh = packet.transactionIdHigh;
    slot.lun = view.getUint8(LUN);
    slot.direction = view.getUint8(DATA_IN);
    slot.cdbLength = view.getUint8(CDB_LENGTH);
    if (!this.mapData(packet, slot, view.getUint32(DATA_TRANSFER_LENGTH, true))) {
      device.counts.badDataBuffers++;
      slot.outcome.srbFailure(SrbStatus.INVALID_REQUEST);
      this.finish(slot);
      return;
    }
    slot.unit = device.controller.unit(slot.lun);
    const running = device.controller.execute(slot.lun, slot, slot.outcome);
    // Done already (the disk served it synchronously): completed in this turn, with no promise.
    if (running === undefined) return this.finish(slot);
    slot.running = running.then(slot.done);
    if (this.free.length === 0) this.pause();
  }

  /**
   * Points the slot's data at the guest's pages: `length` bytes, which the GPA ranges must hold,
   * in the direction the request names. Returns false when they do not add up.
   */
  private mapData(packet: IncomingPacket, slot: SrbSlot, length: number): boolean {
    if (slot.direction === VmscsiDataDirection.NONE || length === 0) {
      slot.noData();
      return length === 0;
    }
    const memory = this.channel.memory;
    if (length > this.device.maxTransferBytes || memory === undefined) return false;
    // The usual request: one range on consecutive pages, mapped without decoding into objects.
    const view = packet.contiguousGpaView(memory, length);
    if (view !== undefined) {
      slot.guestView(view);
      return true;
    }
    try {
      const ranges = packet.gpaRanges();
      if (ranges.totalBytes < length) return false;
      const first = ranges.segments(memory, 0);
      if (ranges.ranges.length === 1 || first[0]!.length >= length) {
        slot.guestData(first, length);
        return true;
      }
      const all = first;
      for (let r = 1; r < ranges.ranges.length; r++) all.push(...ranges.segments(memory, r));
      slot.guestData(all, length);
      return true;
    } catch (error) {
      if (error instanceof ProtocolError) return false;
      throw error;
    }
  }

  /** A request is done: its completion goes out (if the channel is still open) and its slot is free. */
  private finish(slot: SrbSlot): void {
    slot.settleData();
    const outcome = slot.outcome;
    // The completion first (the guest may be spinning for it), then the bookkeeping.
    const view = slot.replyView;
    view.setUint32(OPERATION, VstorOperation.COMPLETE_IO, true);
    view.setUint32(FLAGS, 0, true);
    view.setUint32(STATUS, VstorStatus.SUCCESS, true);
    view.setUint8(SRB_STATUS, outcome.srbStatus);
    view.setUint8(SCSI_STATUS, outcome.scsiStatus);
    view.setUint32(DATA_TRANSFER_LENGTH, outcome.dataTransferred, true);
    const senseLength = (outcome.srbStatus & SRB_STATUS_AUTOSENSE_VALID) !== 0 ? outcome.senseLength : 0;
    view.setUint8(SENSE_INFO_LENGTH, senseLength);
    const reply = slot.reply;
    for (let i = 0; i < senseLength; i++) reply[CDB + i] = outcome.sense[i]!;
    if (!this.closed) this.channel.complete(slot, reply, 0, VSTOR_PACKET_SIZE);
    const counters = this.device.counts;
    counters.requests++;
    // The job's end when the disk served it now (it read the clock then), else a reading of this turn.
    countLatency(counters, Math.round((runClock.recent() - slot.startedAt) * 1000));
    const code = srbStatusCode(outcome.srbStatus);
    // DATA_OVERRUN is how a short transfer (a reply cut to its length) completes: not a failure.
    if (code !== SrbStatus.SUCCESS && code !== SrbStatus.DATA_OVERRUN) counters.failedRequests++;
    if (outcome.dataTransferred > 0) {
      if (slot.direction === VmscsiDataDirection.READ) {
        counters.reads++;
        counters.bytesRead += outcome.dataTransferred;
      } else if (slot.direction === VmscsiDataDirection.WRITE) {
        counters.writes++;
        counters.bytesWritten += outcome.dataTransferred;
      }
    }
    slot.unit = undefined;
    this.free.push(slot);
    if (this.free.length === 1) this.resume();
  }

  /** Completes an SRB that never reached a unit: the request (in `slot`, still free) echoed with `srbStatus`. */
  private refuseSrb(packet: IncomingPacket, slot: SrbSlot, srbStatus: number, status: number = VstorStatus.SUCCESS): void {
    const view = slot.replyView;
    this.device.counts.requests++;
    this.device.counts.failedRequests++;
    view.setUint32(OPERATION, VstorOperation.COMPLETE_IO, true);
    view.setUint32(FLAGS, 0, true);
    view.setUint32(STATUS, status, true);
    view.setUint8(SRB_STATUS, srbStatus);
    view.setUint8(SCSI_STATUS, 0);
    view.setUint8(SENSE_INFO_LENGTH, 0);
    view.setUint32(DATA_TRANSFER_LENGTH, 0, true);
    this.channel.complete(packet, slot.reply, 0, VSTOR_PACKET_SIZE);
  }

  /**
   * Completes a non-SRB packet: COMPLETE_IO with `status`, the rest of the guest's packet (in
   * `slot`, still free) echoed.
   */
  private answer(packet: IncomingPacket, slot: SrbSlot, status: number): void {
    const view = slot.replyView;
    view.setUint32(OPERATION, VstorOperation.COMPLETE_IO, true);
    view.setUint32(FLAGS, 0, true);
    view.setUint32(STATUS, status, true);
    this.channel.complete(packet, slot.reply, 0, VSTOR_PACKET_SIZE);
  }

  /** QUERY_PROPERTIES: the sub-channels the guest may ask for, whether it may, and the transfer limit. */
  private answerProperties(packet: IncomingPacket, status: number): void {
    const reply = this.reply;
    const view = this.replyView;
    reply.fill(0);
    view.setUint32(OPERATION, VstorOperation.COMPLETE_IO, true);
    view.setUint32(STATUS, status, true);
    if (status === VstorStatus.SUCCESS) {
      const { subChannels, initialization, maxTransferBytes } = this.device;
      const multiChannel = subChannels > 0 && initialization.win8;
      view.setUint16(MAX_CHANNEL_COUNT, multiChannel ? subChannels : 0, true);
      view.setUint32(PROPERTY_FLAGS, multiChannel ? VSTOR_PROPERTY_MULTI_CHANNEL : 0, true);
      view.setUint32(MAX_TRANSFER_BYTES, maxTransferBytes, true);
    }
    this.channel.complete(packet, reply, 0, VSTOR_PACKET_SIZE);
  }

  private createSubChannels(count: number): number {
    if (!this.primary) return this.outOfOrder();
    if (!this.device.initialization.ready) return this.outOfOrder();
    return this.device.createSubChannels(count);
  }

  private reset(): number {
    if (!this.device.initialization.ready) return this.outOfOrder();
    // Requests run to completion on the disks (none is queued here to abort): nothing to undo.
    this.device.counts.resets++;
    return VstorStatus.SUCCESS;
  }

  /** Counts a refusal of the bring-up state machine as out of order. */
  private counted(status: number): number {
    if (status === VstorStatus.UNSUCCESSFUL) this.device.counts.outOfOrder++;
    return status;
  }

  private outOfOrder(): number {
    this.device.counts.outOfOrder++;
    return VstorStatus.UNSUCCESSFUL;
  }

  /** Every slot is busy: stop taking packets off the ring until one frees. */
  private pause(): void {
    this.device.counts.queueFullStalls++;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private resume(): void {
    if (this.closed || this.subscription !== undefined) return;
    this.subscription = this.channel.packets$.subscribe(this.receiver);
  }
}

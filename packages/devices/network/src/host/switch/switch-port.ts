import { DeviceConfigError } from '@tsvisor/device-sdk';
import { ETHERNET_HEADER_SIZE, ETHERNET_SOURCE_OFFSET, ETHERNET_TYPE_OFFSET, ETHERNET_VLAN_TAG_SIZE, EtherType, VLAN_ID_MASK } from '../../protocol/ethernet.js';
import type { FrameReceiver } from './frame-receiver.js';
import { FrameQueue } from './frame-queue.js';
import { isGroupMac, isMacAddress, macHigh16, macLow32, type MacAddress } from '../../protocol/mac-address.js';
import type { PacketCapture } from './packet-capture.js';
import { DEFAULT_PORT_VLAN, PortVlanMembership, VlanEgress, type PortVlanConfig } from './port-vlan-config.js';
import type { SwitchPortOptions } from './switch-port-options.js';
import { emptySwitchPortCounters, type SwitchPortCounters } from './switch-port-counters.js';

/** Whether a port belongs to a virtual machine's adapter or to the host (internal switches). */
export type SwitchPortRole = 'vm' | 'host';

/** What a port needs of the switch it is connected to. */
export interface SwitchFabric {
  /** The longest frame accepted, 802.1Q tag included. */
  readonly maxFrameSize: number;
  /** A port queued a frame: the switch schedules its forwarding loop. */
  frameQueued(): void;
  /** The port asks to leave. */
  disconnect(port: SwitchPort): void;
}

/**
 * One port of a {@link VirtualSwitch}: frames go in with {@link send} and come out through the
 * port's {@link FrameReceiver}. `send` checks the frame (length, VLAN, source address) and copies
 * it into the port's bounded queue; the switch forwards queued frames later, fairly between ports.
 */
export class SwitchPort {
  readonly counters: SwitchPortCounters = emptySwitchPortCounters();
  readonly name: string;
  /** The VM whose adapter the port connects, if it was given. */
  readonly vm: string | undefined;
  readonly macAddress: MacAddress | undefined;
  /** The port's 802.1Q settings, as given. */
  readonly vlanConfig: PortVlanConfig;
  /** @internal */
  readonly receiver: FrameReceiver;
  /** @internal */
  readonly vlan: PortVlanMembership;
  /** @internal */
  readonly queue: FrameQueue;
  /** @internal Where this port's traffic is mirrored, if anywhere. */
  capture: PacketCapture | undefined;
  /** @internal Set by the switch when the port leaves. */
  connected = true;
  private readonly roomListeners: (() => void)[] = [];
  private readonly guarded: boolean;
  private readonly guardHigh: number;
  private readonly guardLow: number;

  /** @internal Ports are made by {@link VirtualSwitch.connect}. */
  constructor(
    private readonly fabric: SwitchFabric,
    /** @internal The port's index in the switch (and in its MAC table). */
    readonly id: number,
    readonly role: SwitchPortRole,
    options: SwitchPortOptions,
    queueDepth: number,
  ) {
    if (typeof options.receiver?.receiveFrame !== 'function') {
      throw new DeviceConfigError('receiver', 'must have a receiveFrame method');
    }
    const mac = options.macAddress;
    if (mac !== undefined && (!isMacAddress(mac) || isGroupMac(mac))) {
      throw new DeviceConfigError('macAddress', 'must be a unicast 48-bit MAC address');
    }
    this.name = options.name ?? `port${id}`;
    this.vm = options.vm;
    this.vlanConfig = options.vlan ?? DEFAULT_PORT_VLAN;
    this.receiver = options.receiver;
    this.macAddress = mac;
    this.vlan = new PortVlanMembership(this.vlanConfig);
    this.queue = new FrameQueue(queueDepth, fabric.maxFrameSize);
    this.guarded = mac !== undefined && options.macAddressSpoofing !== true;
    this.guardHigh = mac === undefined ? 0 : macHigh16(mac);
    this.guardLow = mac === undefined ? 0 : macLow32(mac);
  }

  /** Whether the port is still connected to its switch. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Frames waiting in the port's queue. */
  get queued(): number {
    return this.queue.length;
  }

  /** Frames the port's queue can take now (0 once disconnected). */
  get room(): number {
    return this.connected ? this.queue.depth - this.queue.length : 0;
  }

  /**
   * Calls `listener` once, when the switch has drained the queue to half its depth (at once if it
   * is there already), or when the port leaves: a sender that paused for room goes on.
   */
  whenRoom(listener: () => void): void {
    if (!this.connected || this.queue.length <= this.queue.depth >>> 1) {
      listener();
      return;
    }
    this.roomListeners.push(listener);
  }

  /** @internal The switch took frames off the queue, or the port left: wakes the senders waiting for room. */
  roomFreed(): void {
    if (this.roomListeners.length === 0 || (this.connected && this.queue.length > this.queue.depth >>> 1)) return;
    const listeners = this.roomListeners.splice(0);
    for (const listener of listeners) listener();
  }

  /**
   * Sends `frame[offset, offset + length)` into the switch (copied: the caller may reuse the
   * bytes at once). False when it was dropped, and the reason counted; never throws on what a
   * guest put in the frame.
   */
  send(frame: Uint8Array, offset: number, length: number): boolean {
    if (!this.connected) return false;
    const c = this.counters;
    c.framesIn++;
    if (!(offset === (offset | 0) && length === (length | 0) && offset >= 0 && offset + length <= frame.length)) {
      c.droppedRunt++;
      return false;
    }
    c.bytesIn += length;
    if (length < ETHERNET_HEADER_SIZE) {
      c.droppedRunt++;
      return false;
    }
    if (length > this.fabric.maxFrameSize) {
      c.droppedOversize++;
      return false;
    }
    const tagged = ((frame[offset + ETHERNET_TYPE_OFFSET]! << 8) | frame[offset + ETHERNET_TYPE_OFFSET + 1]!) === EtherType.VLAN;
    let tci = 0;
    let vlanId: number;
    if (tagged) {
      if (length < ETHERNET_HEADER_SIZE + ETHERNET_VLAN_TAG_SIZE) {
        c.droppedRunt++;
        return false;
      }
      tci = (frame[offset + ETHERNET_TYPE_OFFSET + 2]! << 8) | frame[offset + ETHERNET_TYPE_OFFSET + 3]!;
      vlanId = tci & VLAN_ID_MASK;
      // VLAN 0 is a priority tag: the frame belongs to the port's untagged VLAN.
      if (vlanId === 0) vlanId = this.vlan.untaggedVlan;
      else if (!this.vlan.acceptsTagged || this.vlan.egress[vlanId] === VlanEgress.NOT_MEMBER) vlanId = 0;
    } else {
      if (length > this.fabric.maxFrameSize - ETHERNET_VLAN_TAG_SIZE) {
        c.droppedOversize++;
        return false;
      }
      vlanId = this.vlan.untaggedVlan;
    }
    if (vlanId === 0) {
      c.droppedVlan++;
      return false;
    }
    const source = offset + ETHERNET_SOURCE_OFFSET;
    if ((frame[source]! & 1) !== 0) {
      c.droppedMalformed++;
      return false;
    }
    if (
      this.guarded &&
      (((frame[source]! << 8) | frame[source + 1]!) !== this.guardHigh ||
        ((frame[source + 2]! << 24) | (frame[source + 3]! << 16) | (frame[source + 4]! << 8) | frame[source + 5]!) !== this.guardLow)
    ) {
      c.droppedSpoofed++;
      return false;
    }
    if (this.queue.isFull) {
      c.droppedQueueFull++;
      return false;
    }
    this.queue.enqueue(frame, offset, length, tagged, (tci & ~VLAN_ID_MASK) | vlanId);
    this.fabric.frameQueued();
    return true;
  }

  /** Leaves the switch: queued frames are dropped, its MAC addresses forgotten, its mirror closed. */
  disconnect(): void {
    if (this.connected) this.fabric.disconnect(this);
  }
}

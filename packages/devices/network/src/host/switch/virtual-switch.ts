import { ETHERNET_SOURCE_OFFSET, ETHERNET_TYPE_OFFSET, ETHERNET_VLAN_TAG_SIZE, EtherType, VLAN_ID_MASK } from '../../protocol/ethernet.js';
import { MacTable, type MacTableCounters } from './mac-table.js';
import { PacketCapture, type PacketCaptureOptions } from './packet-capture.js';
import { VlanEgress } from './port-vlan-config.js';
import type { SwitchKind } from './switch-kind.js';
import type { SwitchPortOptions } from './switch-port-options.js';
import { SwitchPort, type SwitchFabric, type SwitchPortRole } from './switch-port.js';
import { SwitchStateError } from './switch-state-error.js';
import { emptyVirtualSwitchCounters, type VirtualSwitchCounters } from './virtual-switch-counters.js';
import {
  resolveVirtualSwitchOptions,
  type ResolvedVirtualSwitchOptions,
  type VirtualSwitchOptions,
} from './virtual-switch-options.js';

/** How often, at most, the whole MAC table is swept for aged entries (lookups also age lazily). */
const SWEEP_INTERVAL_MS = 1000;

/**
 * A learning Ethernet switch between virtual machines (and, on an `internal` switch, the host),
 * the way Hyper-V's vSwitch works: per-VLAN MAC learning with aging, flooding of broadcast,
 * multicast and unknown unicast, 802.1Q access and trunk ports, a guard against spoofed source
 * addresses, bounded per-port queues served round-robin, and port mirroring to pcap files.
 *
 * Ports queue frames on `send`; a forwarding loop scheduled as a microtask ({@link pump}) drains
 * the queues, at most `roundBudget` frames per port per round, so one flooding port fills only its
 * own queue. Forwarding allocates nothing per frame: addresses are compared as numbers, frames
 * are tagged and untagged in their queue slot, and receivers see that slot directly.
 */
export class VirtualSwitch implements SwitchFabric {
  readonly name: string;
  readonly kind: SwitchKind;
  readonly maxFrameSize: number;
  readonly counters: VirtualSwitchCounters = emptyVirtualSwitchCounters();
  private readonly options: ResolvedVirtualSwitchOptions;
  private readonly macTable: MacTable;
  /** Ports by id; a free id is `undefined`. */
  private readonly portsById: (SwitchPort | undefined)[];
  /** Connected ports in connection order; replaced, never changed, so loops over it survive (dis)connects. */
  private ports: readonly SwitchPort[] = [];
  private hostPort: SwitchPort | undefined;
  private allCapture: PacketCapture | undefined;
  private queuedFrames = 0;
  private nextPort = 0;
  private nextSweep = 0;
  private pumpScheduled = false;
  private pumping = false;
  /** The port whose head frame is being forwarded. */
  private forwarding: SwitchPort | undefined;
  private disposed = false;

  constructor(options: VirtualSwitchOptions) {
    this.options = resolveVirtualSwitchOptions(options);
    this.name = this.options.name;
    this.kind = this.options.kind;
    this.maxFrameSize = this.options.maxFrameSize;
    this.macTable = new MacTable(this.options.macTableSize, this.options.macAgingTimeMs);
    this.portsById = new Array<SwitchPort | undefined>(this.options.maxPorts).fill(undefined);
  }

  /** The MAC table's counters: entries, learned, moves, aged out, flushed, refused. */
  get macTableCounters(): Readonly<MacTableCounters> {
    return this.macTable.counters;
  }

  /** The connected ports, host port included. */
  get connectedPorts(): readonly SwitchPort[] {
    return this.ports;
  }

  /** Connects a virtual machine's adapter. */
  connect(options: SwitchPortOptions): SwitchPort {
    return this.attach('vm', options);
  }

  /** Connects the host's own port: only on an `internal` switch, and only one. */
  connectHost(options: SwitchPortOptions): SwitchPort {
    if (this.kind !== 'internal') throw new SwitchStateError(this.name, 'connect a host port', `it is a ${this.kind} switch`);
    if (this.hostPort !== undefined) throw new SwitchStateError(this.name, 'connect a host port', `'${this.hostPort.name}' is its host port`);
    const port = this.attach('host', options);
    this.hostPort = port;
    return port;
  }

  /**
   * Mirrors a port's traffic, both directions, or with `'all'` every frame the switch forwards
   * (once, as it came in), into a new classic pcap file. One capture per target.
   */
  mirror(target: SwitchPort | 'all', file: string, options?: PacketCaptureOptions): PacketCapture {
    if (target !== 'all' && (this.portsById[target.id] !== target || !target.connected)) {
      throw new SwitchStateError(this.name, 'mirror a port', `'${target.name}' is not one of its ports`);
    }
    if ((target === 'all' ? this.allCapture : target.capture) !== undefined) {
      throw new SwitchStateError(this.name, 'mirror', `${target === 'all' ? 'all ports are' : `'${target.name}' is`} mirrored already`);
    }
    const capture = new PacketCapture(file, options);
    if (target === 'all') this.allCapture = capture;
    else target.capture = capture;
    return capture;
  }

  /** Stops mirroring `target`: the file is flushed and closed. Returns the capture, if there was one. */
  stopMirroring(target: SwitchPort | 'all'): PacketCapture | undefined {
    const capture = target === 'all' ? this.allCapture : target.capture;
    if (target === 'all') this.allCapture = undefined;
    else target.capture = undefined;
    capture?.close();
    return capture;
  }

  /** Disconnects every port and closes every capture; the switch cannot be used again. */
  dispose(): void {
    this.disposed = true;
    for (const port of this.ports) this.disconnect(port);
    this.stopMirroring('all');
  }

  /**
   * Forwards queued frames, taking ports in turn, `roundBudget` frames each per round, until the
   * queues are empty or `pumpBudget` frames were forwarded. Runs by itself after `send`; tests may
   * call it to forward at once. Returns how many frames it took off queues.
   */
  pump(): number {
    if (this.pumping) return 0;
    this.pumping = true;
    this.counters.pumps++;
    const now = this.options.clock.now();
    if (now >= this.nextSweep) {
      this.macTable.sweep(now);
      this.nextSweep = now + SWEEP_INTERVAL_MS;
    }
    const { roundBudget, pumpBudget } = this.options;
    let processed = 0;
    while (this.queuedFrames > 0 && processed < pumpBudget) {
      const ports = this.ports;
      const count = ports.length;
      if (count === 0) break;
      const first = this.nextPort % count;
      for (let k = 0; k < count && processed < pumpBudget; k++) {
        const port = ports[(first + k) % count]!;
        for (let taken = 0; taken < roundBudget && port.queue.length > 0 && processed < pumpBudget; taken++) {
          this.forwarding = port;
          this.forwardHead(port, now);
          this.forwarding = undefined;
          processed++;
          // A receiver may have disconnected the port, emptying its queue.
          if (port.connected) {
            port.queue.dequeue();
            this.queuedFrames--;
          }
        }
        port.roomFreed();
      }
      this.nextPort = first + 1;
    }
    this.pumping = false;
    return processed;
  }

  /** @internal {@link SwitchFabric}: a port queued a frame. */
  frameQueued(): void {
    this.queuedFrames++;
    if (this.pumpScheduled || this.disposed) return;
    this.pumpScheduled = true;
    queueMicrotask(this.runPump);
  }

  /** @internal {@link SwitchFabric}: a port leaves. */
  disconnect(port: SwitchPort): void {
    if (this.portsById[port.id] !== port) return;
    port.connected = false;
    this.portsById[port.id] = undefined;
    this.ports = this.ports.filter((p) => p !== port);
    if (this.hostPort === port) this.hostPort = undefined;
    const cleared = port.queue.clear();
    this.queuedFrames -= cleared;
    // A frame being forwarded right now is counted as forwarded, not dropped.
    port.counters.droppedOnDisconnect += this.forwarding === port ? cleared - 1 : cleared;
    this.macTable.flushPort(port.id);
    this.stopMirroring(port);
    port.roomFreed();
  }

  private attach(role: SwitchPortRole, options: SwitchPortOptions): SwitchPort {
    if (this.disposed) throw new SwitchStateError(this.name, 'connect a port', 'it was disposed');
    const id = this.portsById.indexOf(undefined);
    if (id < 0) throw new SwitchStateError(this.name, 'connect a port', `it has ${this.options.maxPorts} ports already`);
    const port = new SwitchPort(this, id, role, options, this.options.queueDepth);
    this.portsById[id] = port;
    this.ports = [...this.ports, port];
    return port;
  }

  /** The scheduled forwarding loop: pumps, and if the budget left frames queued, goes on after I/O. */
  private readonly runPump = (): void => {
    this.pumpScheduled = false;
    if (this.disposed) return;
    this.pump();
    if (this.queuedFrames > 0 && !this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(this.runPump);
    }
  };

  /** Learns the source of `port`'s oldest queued frame and delivers the frame; the caller dequeues it. */
  private forwardHead(ingress: SwitchPort, now: number): void {
    const queue = ingress.queue;
    const slot = queue.storage;
    const at = queue.headOffset;
    const tci = queue.headTci;
    const vlanId = tci & VLAN_ID_MASK;
    const s = at + ETHERNET_SOURCE_OFFSET;
    this.macTable.learn(
      vlanId,
      (slot[s]! << 8) | slot[s + 1]!,
      (slot[s + 2]! << 24) | (slot[s + 3]! << 16) | (slot[s + 4]! << 8) | slot[s + 5]!,
      ingress.id,
      now,
    );
    let target: SwitchPort | undefined;
    if ((slot[at]! & 1) === 0) {
      const targetId = this.macTable.lookup(
        vlanId,
        (slot[at]! << 8) | slot[at + 1]!,
        (slot[at + 2]! << 24) | (slot[at + 3]! << 16) | (slot[at + 4]! << 8) | slot[at + 5]!,
        now,
      );
      if (targetId === ingress.id) {
        ingress.counters.droppedFiltered++;
        return;
      }
      target = targetId < 0 ? undefined : this.portsById[targetId];
      if (target === undefined) this.counters.unknownUnicast++;
    }
    if (target === undefined) this.counters.flooded++;
    else this.counters.unicast++;
    ingress.counters.framesForwarded++;
    this.counters.framesForwarded++;
    // Untagged receivers first, then tag the frame in its slot for the tagged ones.
    this.deliverAll(ingress, target, VlanEgress.UNTAGGED, now);
    this.deliverAll(ingress, target, VlanEgress.TAGGED, now);
  }

  /** Delivers the ingress port's head frame to `target` (or floods it) where the VLAN leaves as `form`. */
  private deliverAll(ingress: SwitchPort, target: SwitchPort | undefined, form: number, now: number): void {
    const queue = ingress.queue;
    const tci = queue.headTci;
    const vlanId = tci & VLAN_ID_MASK;
    const length = form === VlanEgress.TAGGED ? queue.headLength + ETHERNET_VLAN_TAG_SIZE : queue.headLength;
    let ready = form === VlanEgress.UNTAGGED;
    if (ingress.vlan.egress[vlanId] === form && (ingress.capture !== undefined || this.allCapture !== undefined)) {
      if (!ready) ready = this.tagHead(queue.storage, queue.headOffset, queue.headLength, tci);
      ingress.capture?.record(queue.storage, queue.headOffset, length, now);
      this.allCapture?.record(queue.storage, queue.headOffset, length, now);
    }
    if (target !== undefined) {
      if (target.vlan.egress[vlanId] !== form) return;
      if (!ready) this.tagHead(queue.storage, queue.headOffset, queue.headLength, tci);
      this.deliver(target, queue.storage, queue.headOffset, length, now);
      return;
    }
    const ports = this.ports;
    for (let i = 0; i < ports.length; i++) {
      const port = ports[i]!;
      if (port === ingress || port.vlan.egress[vlanId] !== form || !port.connected) continue;
      if (!ready) ready = this.tagHead(queue.storage, queue.headOffset, queue.headLength, tci);
      this.deliver(port, queue.storage, queue.headOffset, length, now);
    }
  }

  /** Inserts the 802.1Q tag into the untagged frame at `at` (its slot has room for it). */
  private tagHead(slot: Uint8Array, at: number, length: number, tci: number): true {
    const tag = at + ETHERNET_TYPE_OFFSET;
    slot.copyWithin(tag + ETHERNET_VLAN_TAG_SIZE, tag, at + length);
    slot[tag] = EtherType.VLAN >> 8;
    slot[tag + 1] = EtherType.VLAN & 0xff;
    slot[tag + 2] = tci >> 8;
    slot[tag + 3] = tci & 0xff;
    return true;
  }

  private deliver(port: SwitchPort, frame: Uint8Array, offset: number, length: number, now: number): void {
    port.capture?.record(frame, offset, length, now);
    let taken = false;
    try {
      taken = port.receiver.receiveFrame(frame, offset, length) === true;
    } catch {
      // A failing receiver is that port's problem: count it and go on serving the others.
      taken = false;
    }
    if (taken) {
      port.counters.framesOut++;
      port.counters.bytesOut += length;
      this.counters.deliveries++;
    } else {
      port.counters.egressRefused++;
    }
  }
}

import { ArpCache } from './arp-cache.js';
import { ARP_PACKET_LENGTH, ArpOperation, ArpPacket, parseArpPacket, writeArpPacket } from './arp-packet.js';
import { ETHERNET_HEADER_SIZE, EtherType } from '../../protocol/ethernet.js';
import { EthernetHeader, parseEthernetHeader, writeEthernetHeader } from './ethernet-frame.js';
import type { FrameLink } from './frame-link.js';
import { ICMP_ECHO_HEADER_LENGTH, IcmpType, writeIcmpEcho } from './icmp-echo.js';
import { internetChecksum } from './internet-checksum.js';
import { InvalidPortError } from './invalid-port-error.js';
import { IpStackClosedError } from './ip-stack-closed-error.js';
import { IpStackConfigError } from './ip-stack-config-error.js';
import { settleIpStackConfig, type IpStackConfig, type IpStackSettings } from './ip-stack-config.js';
import { createIpStackTally, type IpStackCounters, type IpStackTally } from './ip-stack-counters.js';
import { IPV4_BROADCAST, IPV4_UNSPECIFIED, isMulticastOrReserved, type Ipv4Address } from './ipv4-address.js';
import { IPV4_HEADER_LENGTH, IpProtocol, Ipv4Header, parseIpv4Header, writeIpv4Header } from './ipv4-header.js';
import { BROADCAST_MAC, isGroupMac, UNSPECIFIED_MAC, type MacAddress } from '../../protocol/mac-address.js';
import { NoRouteError } from './no-route-error.js';
import { PayloadTooLargeError } from './payload-too-large-error.js';
import type { PendingSend } from './pending-send.js';
import { PingTracker } from './ping-tracker.js';
import { PortInUseError } from './port-in-use-error.js';
import { UDP_HEADER_LENGTH, hasValidUdpChecksum, writeUdpHeader } from './udp-datagram.js';
import { UdpSocket } from './udp-socket.js';

/** The smallest MTU an IPv4 link may have (RFC 791). */
const MINIMUM_MTU = 68;
/** Where the IPv4 header starts in a frame this stack sends (it never tags). */
const IP_OFFSET = ETHERNET_HEADER_SIZE;
/** Where a transport header starts in a frame this stack sends (it never adds IP options). */
const TRANSPORT_OFFSET = IP_OFFSET + IPV4_HEADER_LENGTH;
/** The IANA dynamic port range, for ephemeral UDP ports. */
const EPHEMERAL_FIRST = 49_152;
const EPHEMERAL_COUNT = 65_536 - EPHEMERAL_FIRST;
/** The data of a ping when none is given: 32 bytes, as Windows' ping sends. */
const DEFAULT_PING_PAYLOAD = Uint8Array.from({ length: 32 }, (_, index) => 0x61 + (index % 23));
/** What a send that went straight out returns: one promise for all, so that path allocates none. */
const SENT = Promise.resolve();

/** Options of a ping. */
export interface PingOptions {
  /** How long to wait for the reply, in milliseconds, as the clock reads at `tick`. */
  readonly timeoutMs: number;
  /** The echo data (default: 32 bytes as Windows' ping sends). */
  readonly payload?: Uint8Array;
}

/**
 * A small IPv4 stack for guest programs over a {@link FrameLink}: Ethernet II, ARP (cache with
 * aging, retries, a bounded queue while resolving), IPv4 without fragmentation, ICMP echo (it
 * answers pings, and pings), and UDP sockets. Time comes only from the configured clock, and
 * everything timed (ARP retries and aging, ping timeouts) advances when the owner calls
 * {@link IpStack.tick}. Received frames are hostile: each is checked, and what fails is counted in
 * {@link IpStack.counters} and dropped; the receive path never throws.
 */
export class IpStack {
  /** This host's MAC address (the link's). */
  readonly mac: MacAddress;
  private readonly settings: IpStackSettings;
  private readonly tally: IpStackTally = createIpStackTally();
  private readonly arp: ArpCache;
  private readonly pings: PingTracker;
  private readonly sockets = new Map<number, UdpSocket>();
  private readonly detach: () => void;
  /** Where IPv4 frames are built; the link copies a frame before `send` returns, so one buffer serves all. */
  private readonly frame: Uint8Array;
  /** Where ARP frames are built, apart from `frame` since a request can go out while a packet is being built. */
  private readonly arpFrame = new Uint8Array(ETHERNET_HEADER_SIZE + ARP_PACKET_LENGTH);
  private readonly ethernetHeader = new EthernetHeader();
  private readonly arpPacket = new ArpPacket();
  private readonly ipv4Header = new Ipv4Header();
  private identification = 0;
  private nextEphemeral = 0;
  private closed = false;

  constructor(
    private readonly link: FrameLink,
    config: IpStackConfig,
  ) {
    this.settings = settleIpStackConfig(config);
    if (!Number.isInteger(link.mtu) || link.mtu < MINIMUM_MTU) throw new IpStackConfigError('link.mtu', `must be an integer of at least ${MINIMUM_MTU}`);
    this.mac = link.mac;
    this.frame = new Uint8Array(ETHERNET_HEADER_SIZE + link.mtu);
    this.pings = new PingTracker(this.mac % 0x10000);
    this.arp = new ArpCache(this.settings.arp, {
      request: (address) => this.sendArp(ArpOperation.REQUEST, BROADCAST_MAC, UNSPECIFIED_MAC, address),
      transmit: (frame) => this.transmit(frame),
      dropped: (reason, count) => (this.tally.arp.dropped[reason] += count),
      failed: () => this.tally.arp.resolutionFailures++,
    });
    this.detach = link.onFrame((frame) => this.receive(frame));
    // Gratuitous ARP: announce the address, so that stale caches on the link update.
    this.sendArp(ArpOperation.REQUEST, BROADCAST_MAC, UNSPECIFIED_MAC, this.settings.address);
  }

  /** This host's address. */
  get address(): Ipv4Address {
    return this.settings.address;
  }

  /** The counters per layer: received, sent, and dropped by reason. Live values, not a copy. */
  get counters(): IpStackCounters {
    return this.tally;
  }

  /** The largest UDP payload one datagram can carry over this link. */
  get maxUdpPayload(): number {
    return this.link.mtu - IPV4_HEADER_LENGTH - UDP_HEADER_LENGTH;
  }

  /** Advances everything timed to the clock's time: ARP aging and retries, ping timeouts. */
  tick(): void {
    if (this.closed) return;
    const now = this.settings.clock();
    this.arp.tick(now);
    this.pings.tick(now);
  }

  /**
   * Sends an ICMP echo request to `address`; resolves with the round-trip time in milliseconds,
   * rejects with {@link PingTimeoutError} when `tick` finds the deadline past, or with the error
   * that kept the request from going out ({@link ArpResolutionError}, {@link NoRouteError}…).
   */
  ping(address: Ipv4Address, options: PingOptions): Promise<number> {
    if (this.closed) return Promise.reject(new IpStackClosedError());
    const payload = options.payload ?? DEFAULT_PING_PAYLOAD;
    const limit = this.link.mtu - IPV4_HEADER_LENGTH - ICMP_ECHO_HEADER_LENGTH;
    if (payload.length > limit) return Promise.reject(new PayloadTooLargeError(payload.length, limit));
    const hop = this.route(address);
    if (hop instanceof NoRouteError) return Promise.reject(hop);
    const now = this.settings.clock();
    const { sequence, roundTrip } = this.pings.track(address, payload.slice(), options.timeoutMs, now);
    const end = TRANSPORT_OFFSET + ICMP_ECHO_HEADER_LENGTH + payload.length;
    this.frame.set(payload, TRANSPORT_OFFSET + ICMP_ECHO_HEADER_LENGTH);
    writeIcmpEcho(this.frame, TRANSPORT_OFFSET, end, IcmpType.ECHO_REQUEST, this.pings.identifier, sequence);
    this.tally.icmp.sent++;
    const pending: PendingSend = { resolve: () => undefined, reject: (error) => this.pings.settle(sequence, error) };
    const refused = this.sendIpv4(address, hop, IpProtocol.ICMP, end - TRANSPORT_OFFSET, now, pending);
    if (refused) pending.reject(refused);
    return roundTrip;
  }

  /** Binds UDP `port`, or with 0 (the default) a free ephemeral port. */
  bind(port = 0): UdpSocket {
    if (this.closed) throw new IpStackClosedError();
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new InvalidPortError(port);
    const local = port === 0 ? this.freeEphemeralPort() : port;
    if (this.sockets.has(local)) throw new PortInUseError(port);
    const socket = new UdpSocket(local, this.settings.udpQueueLength, {
      send: (sourcePort, address, destinationPort, payload) => this.sendUdp(sourcePort, address, destinationPort, payload),
      release: (released) => this.sockets.delete(released),
    });
    this.sockets.set(local, socket);
    return socket;
  }

  /** Stops receiving; pings and queued packets fail with {@link IpStackClosedError}, sockets close. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
    const error = new IpStackClosedError();
    this.pings.clear(error);
    this.arp.clear(error);
    for (const socket of [...this.sockets.values()]) socket.close();
  }

  private freeEphemeralPort(): number {
    for (let tries = 0; tries < EPHEMERAL_COUNT; tries++) {
      const port = EPHEMERAL_FIRST + this.nextEphemeral;
      this.nextEphemeral = (this.nextEphemeral + 1) % EPHEMERAL_COUNT;
      if (!this.sockets.has(port)) return port;
    }
    throw new PortInUseError('ephemeral');
  }

  private sendUdp(sourcePort: number, address: Ipv4Address, port: number, payload: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new IpStackClosedError());
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) return Promise.reject(new InvalidPortError(port));
    if (payload.length > this.maxUdpPayload) return Promise.reject(new PayloadTooLargeError(payload.length, this.maxUdpPayload));
    const hop = this.route(address);
    if (hop instanceof NoRouteError) return Promise.reject(hop);
    const length = UDP_HEADER_LENGTH + payload.length;
    this.frame.set(payload, TRANSPORT_OFFSET + UDP_HEADER_LENGTH);
    writeUdpHeader(this.frame, TRANSPORT_OFFSET, length, sourcePort, port, this.settings.address, address);
    this.tally.udp.sent++;
    const now = this.settings.clock();
    if (hop === IPV4_BROADCAST || this.arp.lookup(hop, now) !== undefined) {
      this.sendIpv4(address, hop, IpProtocol.UDP, length, now, undefined);
      return SENT;
    }
    return new Promise((resolve, reject) => {
      const refused = this.sendIpv4(address, hop, IpProtocol.UDP, length, now, { resolve, reject });
      if (refused) reject(refused);
    });
  }

  /**
   * The next hop towards `destination`: itself on the subnet, the gateway off it,
   * {@link IPV4_BROADCAST} for a broadcast (no resolution needed), or why there is none.
   */
  private route(destination: Ipv4Address): Ipv4Address | NoRouteError {
    const { address, netmask, gateway, subnetBroadcast } = this.settings;
    if (destination === IPV4_BROADCAST || destination === subnetBroadcast) return IPV4_BROADCAST;
    if (destination === address || destination === IPV4_UNSPECIFIED || isMulticastOrReserved(destination)) return new NoRouteError(destination);
    if (((destination ^ address) & netmask) === 0) return destination;
    return gateway ?? new NoRouteError(destination);
  }

  /**
   * Adds the IPv4 and Ethernet headers to the `payloadLength` bytes at {@link TRANSPORT_OFFSET} in
   * `frame` and sends the frame to `hop`, or queues a copy until `hop` resolves; an error when the
   * queue refused it.
   */
  private sendIpv4(
    destination: Ipv4Address,
    hop: Ipv4Address,
    protocol: number,
    payloadLength: number,
    now: number,
    pending: PendingSend | undefined,
  ): Error | undefined {
    const totalLength = IPV4_HEADER_LENGTH + payloadLength;
    writeIpv4Header(this.frame, IP_OFFSET, totalLength, this.identification, this.settings.ttl, protocol, this.settings.address, destination);
    this.identification = (this.identification + 1) & 0xffff;
    this.tally.ipv4.sent++;
    const end = IP_OFFSET + totalLength;
    const mac = hop === IPV4_BROADCAST ? BROADCAST_MAC : this.arp.lookup(hop, now);
    writeEthernetHeader(this.frame, mac ?? UNSPECIFIED_MAC, this.mac, EtherType.IPV4);
    if (mac === undefined) return this.arp.enqueue(hop, this.frame.slice(0, end), pending, now);
    this.transmit(this.frame.subarray(0, end));
    pending?.resolve();
    return undefined;
  }

  private sendArp(operation: number, destination: MacAddress, targetMac: MacAddress, targetAddress: Ipv4Address): void {
    writeEthernetHeader(this.arpFrame, destination, this.mac, EtherType.ARP);
    writeArpPacket(this.arpFrame, ETHERNET_HEADER_SIZE, operation, this.mac, this.settings.address, targetMac, targetAddress);
    this.tally.arp.sent++;
    this.transmit(this.arpFrame);
  }

  private transmit(frame: Uint8Array): void {
    this.tally.ethernet.sent++;
    this.link.send(frame);
  }

  private receive(frame: Uint8Array): void {
    const counters = this.tally.ethernet;
    counters.received++;
    const header = this.ethernetHeader;
    if (!parseEthernetHeader(frame, header)) {
      counters.dropped.truncated++;
      return;
    }
    if (header.destination !== this.mac && header.destination !== BROADCAST_MAC) {
      counters.dropped.notForUs++;
      return;
    }
    if (header.etherType === EtherType.IPV4) this.receiveIpv4(frame, header.payloadOffset);
    else if (header.etherType === EtherType.ARP) this.receiveArp(frame, header.payloadOffset);
    else counters.dropped.unknownEtherType++;
  }

  private receiveArp(frame: Uint8Array, offset: number): void {
    const counters = this.tally.arp;
    counters.received++;
    const packet = this.arpPacket;
    const fault = parseArpPacket(frame, offset, frame.length, packet);
    if (fault) {
      counters.dropped[fault]++;
      return;
    }
    const { address } = this.settings;
    if (isGroupMac(packet.senderMac) || packet.senderMac === UNSPECIFIED_MAC || isMulticastOrReserved(packet.senderAddress)) {
      counters.dropped.badSender++;
      return;
    }
    if (packet.senderAddress === address) {
      counters.dropped.addressConflict++; // another station claims our address (or our own frame came back)
      return;
    }
    const forUs = packet.targetAddress === address;
    // An ARP probe (RFC 5227) has no sender address to learn.
    if (packet.senderAddress !== IPV4_UNSPECIFIED) this.arp.learn(packet.senderAddress, packet.senderMac, this.settings.clock(), forUs);
    if (!forUs) {
      // A gratuitous ARP (sender = target) served its purpose in the merge above.
      if (packet.targetAddress !== packet.senderAddress) counters.dropped.notForUs++;
      return;
    }
    if (packet.operation === ArpOperation.REQUEST) {
      this.sendArp(ArpOperation.REPLY, packet.senderMac, packet.senderMac, packet.senderAddress);
    }
  }

  private receiveIpv4(frame: Uint8Array, offset: number): void {
    const counters = this.tally.ipv4;
    counters.received++;
    const header = this.ipv4Header;
    const fault = parseIpv4Header(frame, offset, frame.length, header);
    if (fault) {
      counters.dropped[fault]++;
      return;
    }
    const { address, subnetBroadcast } = this.settings;
    const { destination, source } = header;
    const broadcast = destination === IPV4_BROADCAST || destination === subnetBroadcast;
    if (destination !== address && !broadcast) {
      counters.dropped.notForUs++;
      return;
    }
    if (source === address || source === subnetBroadcast || isMulticastOrReserved(source)) {
      counters.dropped.badSource++;
      return;
    }
    const start = offset + header.headerLength;
    const end = offset + header.totalLength;
    if (header.protocol === IpProtocol.UDP) this.receiveUdp(frame, start, end, source, destination);
    else if (header.protocol === IpProtocol.ICMP) this.receiveIcmp(frame, start, end, source, broadcast);
    else counters.dropped.unknownProtocol++;
  }

  private receiveIcmp(frame: Uint8Array, start: number, end: number, source: Ipv4Address, broadcast: boolean): void {
    const counters = this.tally.icmp;
    counters.received++;
    if (end - start < ICMP_ECHO_HEADER_LENGTH) {
      counters.dropped.truncated++;
      return;
    }
    if (internetChecksum(frame, start, end) !== 0) {
      counters.dropped.badChecksum++;
      return;
    }
    const type = frame[start]!;
    const sequence = (frame[start + 6]! << 8) | frame[start + 7]!;
    if (type === IcmpType.ECHO_REPLY) {
      const identifier = (frame[start + 4]! << 8) | frame[start + 5]!;
      const now = this.settings.clock();
      if (identifier !== this.pings.identifier || !this.pings.answer(source, sequence, frame, start + ICMP_ECHO_HEADER_LENGTH, end, now)) {
        counters.dropped.unmatchedReply++;
      }
    } else if (type === IcmpType.ECHO_REQUEST) {
      this.answerEcho(frame, start, end, source, broadcast);
    } else {
      counters.dropped.unknownType++;
    }
  }

  /** Answers the echo request `frame[start, end)` from `source` with the same identifier, sequence and data. */
  private answerEcho(frame: Uint8Array, start: number, end: number, source: Ipv4Address, broadcast: boolean): void {
    const counters = this.tally.icmp;
    if (broadcast) {
      counters.dropped.broadcastEcho++; // as hosts do by default (RFC 1122 §3.2.2.6 allows it): no smurf amplifier
      return;
    }
    const length = end - start;
    if (IPV4_HEADER_LENGTH + length > this.link.mtu) {
      counters.dropped.tooLarge++;
      return;
    }
    const hop = this.route(source);
    if (hop instanceof NoRouteError) {
      this.tally.ipv4.dropped.noRoute++;
      return;
    }
    for (let index = 0; index < length; index++) this.frame[TRANSPORT_OFFSET + index] = frame[start + index]!;
    const identifier = (frame[start + 4]! << 8) | frame[start + 5]!;
    const sequence = (frame[start + 6]! << 8) | frame[start + 7]!;
    writeIcmpEcho(this.frame, TRANSPORT_OFFSET, TRANSPORT_OFFSET + length, IcmpType.ECHO_REPLY, identifier, sequence);
    counters.sent++;
    // A full queue is counted by the ARP layer; nobody waits for a reply.
    this.sendIpv4(source, hop, IpProtocol.ICMP, length, this.settings.clock(), undefined);
  }

  private receiveUdp(frame: Uint8Array, start: number, end: number, source: Ipv4Address, destination: Ipv4Address): void {
    const counters = this.tally.udp;
    counters.received++;
    if (end - start < UDP_HEADER_LENGTH) {
      counters.dropped.truncated++;
      return;
    }
    const length = (frame[start + 4]! << 8) | frame[start + 5]!;
    if (length < UDP_HEADER_LENGTH || length > end - start) {
      counters.dropped.badLength++;
      return;
    }
    if (!hasValidUdpChecksum(frame, start, length, source, destination)) {
      counters.dropped.badChecksum++;
      return;
    }
    const socket = this.sockets.get((frame[start + 2]! << 8) | frame[start + 3]!);
    if (!socket) {
      counters.dropped.noSocket++;
      return;
    }
    const sourcePort = (frame[start]! << 8) | frame[start + 1]!;
    if (!socket.deliver(source, sourcePort, frame, start + UDP_HEADER_LENGTH, start + length)) counters.dropped.queueFull++;
  }
}

import type { ArpParseFault } from './arp-packet.js';
import type { Ipv4ParseFault } from './ipv4-header.js';

/**
 * One layer's counters. `received` counts what reached the layer, valid or not; `sent` what the
 * layer handed to the one below; `dropped` what it discarded, by reason.
 */
export interface LayerCounters<Reason extends string> {
  readonly received: number;
  readonly sent: number;
  readonly dropped: Readonly<Record<Reason, number>>;
}

/** Why the Ethernet layer dropped a received frame. */
export type EthernetDropReason = 'truncated' | 'notForUs' | 'unknownEtherType';

/**
 * Why the ARP layer dropped a received packet, or (`queueFull`, `unresolved`) an outgoing IPv4
 * packet that found no next-hop MAC address.
 */
export type ArpDropReason = ArpParseFault | 'notForUs' | 'badSender' | 'addressConflict' | 'queueFull' | 'unresolved';

/** Why the IPv4 layer dropped a received packet, or (`noRoute`) a reply it could not address. */
export type Ipv4DropReason = Ipv4ParseFault | 'notForUs' | 'badSource' | 'unknownProtocol' | 'noRoute';

/** Why the ICMP layer dropped a received message. */
export type IcmpDropReason = 'truncated' | 'badChecksum' | 'unknownType' | 'broadcastEcho' | 'tooLarge' | 'unmatchedReply';

/** Why the UDP layer dropped a received datagram. */
export type UdpDropReason = 'truncated' | 'badLength' | 'badChecksum' | 'noSocket' | 'queueFull';

/** The counters of an IP stack, per layer. */
export interface IpStackCounters {
  readonly ethernet: LayerCounters<EthernetDropReason>;
  readonly arp: LayerCounters<ArpDropReason> & {
    /** Next hops given up on after every request went unanswered. */
    readonly resolutionFailures: number;
  };
  readonly ipv4: LayerCounters<Ipv4DropReason>;
  readonly icmp: LayerCounters<IcmpDropReason>;
  readonly udp: LayerCounters<UdpDropReason>;
}

/** A layer's counters as the stack updates them. */
export interface LayerTally<Reason extends string> {
  received: number;
  sent: number;
  dropped: Record<Reason, number>;
}

/** The counters of an IP stack as the stack updates them. */
export interface IpStackTally {
  ethernet: LayerTally<EthernetDropReason>;
  arp: LayerTally<ArpDropReason> & { resolutionFailures: number };
  ipv4: LayerTally<Ipv4DropReason>;
  icmp: LayerTally<IcmpDropReason>;
  udp: LayerTally<UdpDropReason>;
}

/** Counters at zero, every reason present so that the hot path only increments. */
export function createIpStackTally(): IpStackTally {
  return {
    ethernet: { received: 0, sent: 0, dropped: { truncated: 0, notForUs: 0, unknownEtherType: 0 } },
    arp: {
      received: 0,
      sent: 0,
      resolutionFailures: 0,
      dropped: { truncated: 0, unsupported: 0, notForUs: 0, badSender: 0, addressConflict: 0, queueFull: 0, unresolved: 0 },
    },
    ipv4: {
      received: 0,
      sent: 0,
      dropped: {
        truncated: 0,
        badVersion: 0,
        badHeaderLength: 0,
        badLength: 0,
        badChecksum: 0,
        fragment: 0,
        notForUs: 0,
        badSource: 0,
        unknownProtocol: 0,
        noRoute: 0,
      },
    },
    icmp: {
      received: 0,
      sent: 0,
      dropped: { truncated: 0, badChecksum: 0, unknownType: 0, broadcastEcho: 0, tooLarge: 0, unmatchedReply: 0 },
    },
    udp: { received: 0, sent: 0, dropped: { truncated: 0, badLength: 0, badChecksum: 0, noSocket: 0, queueFull: 0 } },
  };
}

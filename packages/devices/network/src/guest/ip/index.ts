/**
 * A small IPv4 stack for guest programs: Ethernet II, ARP, IPv4, ICMP echo and UDP over any
 * {@link FrameLink}. Plain JavaScript built-ins only, no timers: time comes from an injected clock.
 * @packageDocumentation
 */
export { IpStack, type PingOptions } from './ip-stack.js';
export { DEFAULT_ARP_SETTINGS, type ArpSettings, type IpStackConfig } from './ip-stack-config.js';
export type {
  ArpDropReason,
  EthernetDropReason,
  IcmpDropReason,
  IpStackCounters,
  Ipv4DropReason,
  LayerCounters,
  UdpDropReason,
} from './ip-stack-counters.js';
export type { FrameLink } from './frame-link.js';
export { UdpSocket, type UdpMessage } from './udp-socket.js';
export { BROADCAST_MAC, formatMac, isGroupMac, macAddress, readMac, writeMac, type MacAddress } from '../../protocol/mac-address.js';
export { IPV4_BROADCAST, formatIpv4, ipv4Address, readIpv4, writeIpv4, type Ipv4Address } from './ipv4-address.js';
export { EthernetHeader, parseEthernetHeader, writeEthernetHeader } from './ethernet-frame.js';
export { internetChecksum } from './internet-checksum.js';
export { AddressFormatError } from '../../protocol/address-format-error.js';
export { ArpQueueFullError } from './arp-queue-full-error.js';
export { ArpResolutionError } from './arp-resolution-error.js';
export { InvalidPortError } from './invalid-port-error.js';
export { IpStackClosedError } from './ip-stack-closed-error.js';
export { IpStackConfigError } from './ip-stack-config-error.js';
export { NoRouteError } from './no-route-error.js';
export { PayloadTooLargeError } from './payload-too-large-error.js';
export { PingTimeoutError } from './ping-timeout-error.js';
export { PortInUseError } from './port-in-use-error.js';
export { SocketClosedError } from './socket-closed-error.js';

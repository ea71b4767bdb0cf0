import { IpStackConfigError } from './ip-stack-config-error.js';
import { isMulticastOrReserved, type Ipv4Address } from './ipv4-address.js';

/** How the ARP cache behaves; every field has a default. */
export interface ArpSettings {
  /** How long a learned MAC address stays usable, in milliseconds. */
  readonly cacheTtlMs: number;
  /** How long to wait for a reply before asking again, in milliseconds. */
  readonly retryIntervalMs: number;
  /** Requests sent for one next hop before giving up on it. */
  readonly maxAttempts: number;
  /** Packets that may wait for one next hop's MAC address. */
  readonly maxPendingPackets: number;
  /** Entries the cache holds, resolved or pending; the oldest makes way for a new one. */
  readonly maxEntries: number;
}

/** The ARP settings used where a configuration leaves them out. */
export const DEFAULT_ARP_SETTINGS: ArpSettings = {
  cacheTtlMs: 60_000,
  retryIntervalMs: 1_000,
  maxAttempts: 3,
  maxPendingPackets: 16,
  maxEntries: 256,
};

/** An IP stack's configuration. */
export interface IpStackConfig {
  /** This host's address. */
  readonly address: Ipv4Address;
  /** The subnet mask (contiguous, /1 to /30). */
  readonly netmask: Ipv4Address;
  /** The router for destinations off the subnet; without one they are unreachable. */
  readonly gateway?: Ipv4Address;
  /** The time now, in milliseconds: the only source of time (guest realms have no timers). */
  readonly clock: () => number;
  /** The TTL of packets sent (default 64). */
  readonly ttl?: number;
  /** ARP cache behaviour. */
  readonly arp?: Partial<ArpSettings>;
  /** Datagrams a UDP socket holds before dropping more (default 64). */
  readonly udpQueueLength?: number;
}

/** A checked configuration with every default filled in. */
export interface IpStackSettings {
  readonly address: Ipv4Address;
  readonly netmask: Ipv4Address;
  readonly gateway: Ipv4Address | undefined;
  /** The subnet's directed-broadcast address. */
  readonly subnetBroadcast: Ipv4Address;
  readonly clock: () => number;
  readonly ttl: number;
  readonly arp: ArpSettings;
  readonly udpQueueLength: number;
}

/** Checks `config` and fills in defaults; an {@link IpStackConfigError} names the first bad field. */
export function settleIpStackConfig(config: IpStackConfig): IpStackSettings {
  const { address, netmask, gateway, clock } = config;
  const inverse = ~netmask >>> 0;
  if (!isUint32(netmask) || (inverse & (inverse + 1)) !== 0 || netmask === 0 || inverse < 3) {
    throw new IpStackConfigError('netmask', 'must be a contiguous mask from /1 to /30');
  }
  const network = (address & netmask) >>> 0;
  const subnetBroadcast = (network | inverse) >>> 0;
  const isHost = (value: Ipv4Address): boolean =>
    isUint32(value) && value !== network && value !== subnetBroadcast && !isMulticastOrReserved(value);
  if (!isHost(address)) throw new IpStackConfigError('address', 'must be a unicast host address of its subnet');
  if (gateway !== undefined && (!isHost(gateway) || (gateway & netmask) >>> 0 !== network || gateway === address)) {
    throw new IpStackConfigError('gateway', 'must be another host address on the subnet');
  }
  if (typeof clock !== 'function') throw new IpStackConfigError('clock', 'must be a function returning milliseconds');
  const ttl = config.ttl ?? 64;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) throw new IpStackConfigError('ttl', 'must be an integer from 1 to 255');
  const arp = { ...DEFAULT_ARP_SETTINGS, ...config.arp };
  for (const [field, value] of Object.entries(arp)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new IpStackConfigError(`arp.${field}`, 'must be a positive integer');
  }
  const udpQueueLength = config.udpQueueLength ?? 64;
  if (!Number.isSafeInteger(udpQueueLength) || udpQueueLength < 1) {
    throw new IpStackConfigError('udpQueueLength', 'must be a positive integer');
  }
  return { address, netmask, gateway, subnetBroadcast: subnetBroadcast as Ipv4Address, clock, ttl, arp, udpQueueLength };
}

function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

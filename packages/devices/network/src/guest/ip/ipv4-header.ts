import { internetChecksum } from './internet-checksum.js';
import { readIpv4, writeIpv4, type Ipv4Address } from './ipv4-address.js';

/** The IPv4 header (RFC 791 §3.1). */

/** Bytes of an IPv4 header without options. */
export const IPV4_HEADER_LENGTH = 20;

/** The IP protocol numbers this stack speaks. */
export const IpProtocol = { ICMP: 1, UDP: 17 } as const;

/** Why a received IPv4 packet was dropped before its payload was looked at. */
export type Ipv4ParseFault = 'truncated' | 'badVersion' | 'badHeaderLength' | 'badLength' | 'badChecksum' | 'fragment';

/** The header of a received IPv4 packet. The stack reuses one instance, so the receive path allocates nothing. */
export class Ipv4Header {
  /** Header bytes, options included. */
  headerLength = 0;
  /** Header and payload bytes, as the header says. */
  totalLength = 0;
  ttl = 0;
  protocol = 0;
  source = 0 as Ipv4Address;
  destination = 0 as Ipv4Address;
}

/**
 * Parses and checks the IPv4 header at `bytes[offset, end)` into `into`. Options are skipped; bytes
 * past the total length (Ethernet padding) are ignored; any fragment is refused, since this stack
 * does not reassemble.
 */
export function parseIpv4Header(bytes: Uint8Array, offset: number, end: number, into: Ipv4Header): Ipv4ParseFault | undefined {
  const available = end - offset;
  if (available < IPV4_HEADER_LENGTH) return 'truncated';
  const versionAndLength = bytes[offset]!;
  if (versionAndLength >>> 4 !== 4) return 'badVersion';
  const headerLength = (versionAndLength & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH) return 'badHeaderLength';
  if (headerLength > available) return 'truncated';
  const totalLength = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  if (totalLength < headerLength) return 'badLength';
  if (totalLength > available) return 'truncated';
  if (internetChecksum(bytes, offset, offset + headerLength) !== 0) return 'badChecksum';
  const flagsAndOffset = (bytes[offset + 6]! << 8) | bytes[offset + 7]!;
  if ((flagsAndOffset & 0x3fff) !== 0) return 'fragment'; // more-fragments set, or a non-zero offset
  into.headerLength = headerLength;
  into.totalLength = totalLength;
  into.ttl = bytes[offset + 8]!;
  into.protocol = bytes[offset + 9]!;
  into.source = readIpv4(bytes, offset + 12);
  into.destination = readIpv4(bytes, offset + 16);
  return undefined;
}

/** Writes an option-less IPv4 header with don't-fragment set and its checksum at `bytes[offset]`. */
export function writeIpv4Header(
  bytes: Uint8Array,
  offset: number,
  totalLength: number,
  identification: number,
  ttl: number,
  protocol: number,
  source: Ipv4Address,
  destination: Ipv4Address,
): void {
  bytes[offset] = 0x45;
  bytes[offset + 1] = 0;
  bytes[offset + 2] = totalLength >>> 8;
  bytes[offset + 3] = totalLength;
  bytes[offset + 4] = identification >>> 8;
  bytes[offset + 5] = identification;
  bytes[offset + 6] = 0x40; // don't fragment: this stack never fragments
  bytes[offset + 7] = 0;
  bytes[offset + 8] = ttl;
  bytes[offset + 9] = protocol;
  bytes[offset + 10] = 0;
  bytes[offset + 11] = 0;
  writeIpv4(bytes, offset + 12, source);
  writeIpv4(bytes, offset + 16, destination);
  const checksum = internetChecksum(bytes, offset, offset + IPV4_HEADER_LENGTH);
  bytes[offset + 10] = checksum >>> 8;
  bytes[offset + 11] = checksum;
}

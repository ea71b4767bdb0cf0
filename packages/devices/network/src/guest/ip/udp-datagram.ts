import { addWords, finishChecksum } from './internet-checksum.js';
import { IpProtocol } from './ipv4-header.js';
import type { Ipv4Address } from './ipv4-address.js';

/** The UDP header (RFC 768): source port, destination port, length, checksum. */

/** Bytes of a UDP header. */
export const UDP_HEADER_LENGTH = 8;

/** The sum of the IPv4 pseudo-header that the UDP checksum covers. */
function pseudoHeaderSum(source: Ipv4Address, destination: Ipv4Address, udpLength: number): number {
  return (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff) + IpProtocol.UDP + udpLength;
}

/**
 * Writes a UDP header at `bytes[offset]` and the checksum over the datagram `bytes[offset, offset +
 * length)`, whose payload the caller has already placed after the header. A computed 0 goes out as
 * 0xffff, since 0 means "no checksum".
 */
export function writeUdpHeader(
  bytes: Uint8Array,
  offset: number,
  length: number,
  sourcePort: number,
  destinationPort: number,
  source: Ipv4Address,
  destination: Ipv4Address,
): void {
  bytes[offset] = sourcePort >>> 8;
  bytes[offset + 1] = sourcePort;
  bytes[offset + 2] = destinationPort >>> 8;
  bytes[offset + 3] = destinationPort;
  bytes[offset + 4] = length >>> 8;
  bytes[offset + 5] = length;
  bytes[offset + 6] = 0;
  bytes[offset + 7] = 0;
  const checksum = finishChecksum(addWords(bytes, offset, offset + length, pseudoHeaderSum(source, destination, length))) || 0xffff;
  bytes[offset + 6] = checksum >>> 8;
  bytes[offset + 7] = checksum;
}

/** Whether the datagram `bytes[offset, offset + length)` carries a correct checksum, or none (0). */
export function hasValidUdpChecksum(bytes: Uint8Array, offset: number, length: number, source: Ipv4Address, destination: Ipv4Address): boolean {
  if (bytes[offset + 6] === 0 && bytes[offset + 7] === 0) return true;
  return finishChecksum(addWords(bytes, offset, offset + length, pseudoHeaderSum(source, destination, length))) === 0;
}

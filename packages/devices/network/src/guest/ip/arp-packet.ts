import { readIpv4, writeIpv4, type Ipv4Address } from './ipv4-address.js';
import { readMac, writeMac, type MacAddress } from '../../protocol/mac-address.js';

/** ARP for IPv4 over Ethernet (RFC 826): hardware type 1, protocol type 0x0800, lengths 6 and 4. */

/** Bytes of an ARP packet for IPv4 over Ethernet. */
export const ARP_PACKET_LENGTH = 28;

/** ARP operation codes. */
export const ArpOperation = { REQUEST: 1, REPLY: 2 } as const;

/** Why a received ARP packet was dropped before it was understood. */
export type ArpParseFault = 'truncated' | 'unsupported';

/** A received ARP packet. The stack reuses one instance, so the receive path allocates nothing. */
export class ArpPacket {
  operation = 0;
  senderMac = 0 as MacAddress;
  senderAddress = 0 as Ipv4Address;
  targetMac = 0 as MacAddress;
  targetAddress = 0 as Ipv4Address;
}

/** Parses the ARP packet at `bytes[offset, end)` into `into`; the fault when it is not one this stack speaks. */
export function parseArpPacket(bytes: Uint8Array, offset: number, end: number, into: ArpPacket): ArpParseFault | undefined {
  if (end - offset < ARP_PACKET_LENGTH) return 'truncated';
  const hardwareType = (bytes[offset]! << 8) | bytes[offset + 1]!;
  const protocolType = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  const operation = (bytes[offset + 6]! << 8) | bytes[offset + 7]!;
  if (hardwareType !== 1 || protocolType !== 0x0800 || bytes[offset + 4] !== 6 || bytes[offset + 5] !== 4) return 'unsupported';
  if (operation !== ArpOperation.REQUEST && operation !== ArpOperation.REPLY) return 'unsupported';
  into.operation = operation;
  into.senderMac = readMac(bytes, offset + 8);
  into.senderAddress = readIpv4(bytes, offset + 14);
  into.targetMac = readMac(bytes, offset + 18);
  into.targetAddress = readIpv4(bytes, offset + 24);
  return undefined;
}

/** Writes an ARP packet for IPv4 over Ethernet at `bytes[offset]`. */
export function writeArpPacket(
  bytes: Uint8Array,
  offset: number,
  operation: number,
  senderMac: MacAddress,
  senderAddress: Ipv4Address,
  targetMac: MacAddress,
  targetAddress: Ipv4Address,
): void {
  bytes[offset] = 0;
  bytes[offset + 1] = 1;
  bytes[offset + 2] = 0x08;
  bytes[offset + 3] = 0x00;
  bytes[offset + 4] = 6;
  bytes[offset + 5] = 4;
  bytes[offset + 6] = operation >>> 8;
  bytes[offset + 7] = operation;
  writeMac(bytes, offset + 8, senderMac);
  writeIpv4(bytes, offset + 14, senderAddress);
  writeMac(bytes, offset + 18, targetMac);
  writeIpv4(bytes, offset + 24, targetAddress);
}

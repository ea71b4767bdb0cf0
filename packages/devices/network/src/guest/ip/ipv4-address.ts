import { AddressFormatError } from '../../protocol/address-format-error.js';

/** An IPv4 address as an unsigned 32-bit number, so comparing, masking and keying maps cost nothing. */
export type Ipv4Address = number & { readonly __brand: 'Ipv4Address' };

/** 255.255.255.255, the limited broadcast address. */
export const IPV4_BROADCAST = 0xffff_ffff as Ipv4Address;

/** 0.0.0.0, "this host" before it has an address (an ARP probe's sender). */
export const IPV4_UNSPECIFIED = 0 as Ipv4Address;

/** The IPv4 address written in dotted-decimal form (`10.0.0.1`). */
export function ipv4Address(text: string): Ipv4Address {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) throw new AddressFormatError(text, 'IPv4');
  let value = 0;
  for (let index = 1; index <= 4; index++) {
    const octet = Number(match[index]);
    if (octet > 255) throw new AddressFormatError(text, 'IPv4');
    value = value * 256 + octet;
  }
  return value as Ipv4Address;
}

/** `address` in dotted-decimal form. */
export function formatIpv4(address: Ipv4Address): string {
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/** Whether `address` is in 224.0.0.0/4 (multicast) or 240.0.0.0/4 (reserved, including broadcast). */
export function isMulticastOrReserved(address: Ipv4Address): boolean {
  return address >>> 28 >= 0xe;
}

/** The IPv4 address in `bytes` at `offset` (network order). */
export function readIpv4(bytes: Uint8Array, offset: number): Ipv4Address {
  return (((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0) as Ipv4Address;
}

/** Writes `address` into `bytes` at `offset` (network order). */
export function writeIpv4(bytes: Uint8Array, offset: number, address: Ipv4Address): void {
  bytes[offset] = address >>> 24;
  bytes[offset + 1] = address >>> 16;
  bytes[offset + 2] = address >>> 8;
  bytes[offset + 3] = address;
}

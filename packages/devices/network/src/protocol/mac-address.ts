import { AddressFormatError } from './address-format-error.js';

/**
 * A 48-bit IEEE 802 MAC address held as a number (48 bits fit a double exactly), so comparing
 * addresses and keying maps by them costs no allocation.
 */
export type MacAddress = number & { readonly __brand: 'MacAddress' };

/** ff:ff:ff:ff:ff:ff, every station on the link. */
export const BROADCAST_MAC = 0xffff_ffff_ffff as MacAddress;

/** 00:00:00:00:00:00, the "unknown" target hardware address of an ARP request. */
export const UNSPECIFIED_MAC = 0 as MacAddress;

const HIGH = 2 ** 32;

/** The MAC address written as six colon- or dash-separated hex octets (`02:00:5e:00:00:01`). */
export function macAddress(text: string): MacAddress {
  const match = /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i.exec(text);
  if (!match) throw new AddressFormatError(text, 'MAC');
  let value = 0;
  for (const index of [1, 3, 4, 5, 6, 7]) value = value * 256 + parseInt(match[index]!, 16);
  return value as MacAddress;
}

/**
 * `mac` as six hex octets: lowercase and colon-separated (`00:15:5d:01:02:03`, the default), or
 * Hyper-V's way, uppercase and dash-separated (`00-15-5D-01-02-03`).
 */
export function formatMac(mac: MacAddress, style: 'colon' | 'hyper-v' = 'colon'): string {
  const octets: string[] = [];
  for (let shift = 40; shift >= 0; shift -= 8) octets.push((Math.floor(mac / 2 ** shift) % 256).toString(16).padStart(2, '0'));
  return style === 'colon' ? octets.join(':') : octets.join('-').toUpperCase();
}

/** Whether `mac` names a group (multicast or broadcast) rather than one station: the I/G bit. */
export function isGroupMac(mac: MacAddress): boolean {
  return (Math.floor(mac / 2 ** 40) & 1) === 1;
}

/** The MAC address in `bytes` at `offset` (six octets, network order). */
export function readMac(bytes: Uint8Array, offset: number): MacAddress {
  const high = (bytes[offset]! << 8) | bytes[offset + 1]!;
  const low = ((bytes[offset + 2]! << 24) | (bytes[offset + 3]! << 16) | (bytes[offset + 4]! << 8) | bytes[offset + 5]!) >>> 0;
  return (high * HIGH + low) as MacAddress;
}

/** Writes `mac` into `bytes` at `offset` (six octets, network order). */
export function writeMac(bytes: Uint8Array, offset: number, mac: MacAddress): void {
  const high = Math.floor(mac / HIGH);
  const low = mac >>> 0;
  bytes[offset] = high >>> 8;
  bytes[offset + 1] = high;
  bytes[offset + 2] = low >>> 24;
  bytes[offset + 3] = low >>> 16;
  bytes[offset + 4] = low >>> 8;
  bytes[offset + 5] = low;
}

/** Whether `value` is a MAC address as this package holds them: an integer of 48 bits. */
export function isMacAddress(value: number): value is MacAddress {
  return Number.isInteger(value) && value >= 0 && value <= BROADCAST_MAC;
}

/** The upper 16 bits of `mac`, for tables that keep addresses in two typed-array words. */
export function macHigh16(mac: MacAddress): number {
  return Math.floor(mac / HIGH);
}

/** The lower 32 bits of `mac`, as a signed 32-bit integer (for an Int32Array word). */
export function macLow32(mac: MacAddress): number {
  return (mac % HIGH) | 0;
}

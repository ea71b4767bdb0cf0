import { internetChecksum } from './internet-checksum.js';

/** ICMP echo request and reply (RFC 792): type, code 0, checksum, identifier, sequence number, data. */

/** Bytes of an ICMP echo header. */
export const ICMP_ECHO_HEADER_LENGTH = 8;

/** The ICMP types this stack speaks. */
export const IcmpType = { ECHO_REPLY: 0, ECHO_REQUEST: 8 } as const;

/**
 * Writes an echo header at `bytes[offset]` and the checksum over the whole message
 * `bytes[offset, end)`, whose data the caller has already placed after the header.
 */
export function writeIcmpEcho(bytes: Uint8Array, offset: number, end: number, type: number, identifier: number, sequence: number): void {
  bytes[offset] = type;
  bytes[offset + 1] = 0;
  bytes[offset + 2] = 0;
  bytes[offset + 3] = 0;
  bytes[offset + 4] = identifier >>> 8;
  bytes[offset + 5] = identifier;
  bytes[offset + 6] = sequence >>> 8;
  bytes[offset + 7] = sequence;
  const checksum = internetChecksum(bytes, offset, end);
  bytes[offset + 2] = checksum >>> 8;
  bytes[offset + 3] = checksum;
}

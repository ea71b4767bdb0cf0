/**
 * The Internet checksum (RFC 1071): the one's-complement of the one's-complement sum of 16-bit
 * big-endian words. IPv4 headers, ICMP messages and UDP datagrams (with their pseudo-header) use it.
 */

/** Adds the bytes `[start, end)` of `bytes` as big-endian words to `sum`; an odd last byte is padded with zero. */
export function addWords(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  let index = start;
  for (; index + 1 < end; index += 2) sum += (bytes[index]! << 8) | bytes[index + 1]!;
  if (index < end) sum += bytes[index]! << 8;
  return sum;
}

/** Folds a running sum to 16 bits and complements it: the checksum to write, or 0 when verifying a correct message. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The Internet checksum of `bytes[start, end)`, added to `initial` (a pseudo-header's sum). */
export function internetChecksum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  return finishChecksum(addWords(bytes, start, end, initial));
}

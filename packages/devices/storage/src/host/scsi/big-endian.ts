/**
 * Big-endian fields of CDBs and SCSI data, read and written on plain byte arrays without
 * allocating (no `DataView` per command).
 * @module
 */

/** The u16 at `at`. */
export function readBe16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/** The u32 at `at`. */
export function readBe32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x100_0000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

/**
 * The u64 at `at`, as a number: exact up to 2^53, and `Infinity` above, which is beyond any disk,
 * so range checks reject it without bigint arithmetic.
 */
export function readBe64(bytes: Uint8Array, at: number): number {
  const high = readBe32(bytes, at);
  return high >= 0x20_0000 ? Number.POSITIVE_INFINITY : high * 0x1_0000_0000 + readBe32(bytes, at + 4);
}

/** Writes `value` (0 to 2^16 - 1) at `at`. */
export function writeBe16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 8;
  bytes[at + 1] = value & 0xff;
}

/** Writes `value` (0 to 2^32 - 1) at `at`. */
export function writeBe32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

/** Writes `value` (a safe integer, non-negative) at `at` as a u64. */
export function writeBe64(bytes: Uint8Array, at: number, value: number): void {
  writeBe32(bytes, at, Math.floor(value / 0x1_0000_0000));
  writeBe32(bytes, at + 4, value >>> 0);
}

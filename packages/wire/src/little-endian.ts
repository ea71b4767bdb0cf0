/**
 * The little-endian u32 at `at` of `bytes`, read byte by byte: no DataView to make per call, so a
 * hot path that checks a field in place allocates nothing. The caller checks that `at + 4` is
 * within `bytes`; past its end the missing bytes read as 0.
 */
export function readU32LE(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

/** `length` bytes of a pattern that differs with `seed` and from sector to sector. */
export function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff;
  return bytes;
}

/**
 * Where `actual` first differs from `expected` (or -1): large arrays are compared this way
 * because a deep-equality matcher takes minutes over megabytes.
 */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.length))) return -1;
  return actual.findIndex((byte, i) => byte !== expected[i]);
}

import { VhdFormatError } from './vhd-format-error.js';

/**
 * The checksum of a VHD footer or dynamic header: the one's complement of the sum of its bytes,
 * the 4-byte checksum field (at `checksumOffset`) counted as zeros.
 */
export function vhdChecksum(structure: Uint8Array, checksumOffset: number): number {
  let sum = 0;
  for (let i = 0; i < structure.length; i++) {
    if (i < checksumOffset || i >= checksumOffset + 4) sum += structure[i]!;
  }
  return ~sum >>> 0;
}

/**
 * Checks the checksum `stored` in a structure against its bytes.
 * @param field - The checksum field, for the error, e.g. `footer.checksum`.
 * @throws {@link VhdFormatError} naming `field` if they differ.
 */
export function checkVhdChecksum(structure: Uint8Array, checksumOffset: number, stored: number, path: string, field: string): void {
  const computed = vhdChecksum(structure, checksumOffset);
  if (stored !== computed) {
    throw new VhdFormatError(path, field, `is 0x${stored.toString(16)}, but the bytes sum to 0x${computed.toString(16)}`);
  }
}

/** The Castagnoli polynomial 0x1EDC6F41, bit-reflected. */
const POLYNOMIAL = 0x82f63b78;

/**
 * Slicing-by-8 lookup tables, computed once at module load: entry `k * 256 + b` is the CRC
 * contribution of byte `b` followed by `k` zero bytes. Table 0 is the classic byte-wise table.
 */
const TABLES = new Int32Array(8 * 256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
  TABLES[byte] = crc;
}
for (let entry = 256; entry < TABLES.length; entry++) {
  const previous = TABLES[entry - 256]!;
  TABLES[entry] = (previous >>> 8) ^ TABLES[previous & 0xff]!;
}

/**
 * CRC-32C (Castagnoli, as used by VHDX and iSCSI) of `data`, as an unsigned 32-bit number.
 *
 * Incremental: `crc32c(b, crc32c(a))` equals `crc32c` of `a` followed by `b`. The check value,
 * `crc32c` of the ASCII text `123456789`, is `0xE3069283`.
 *
 * @param data - The bytes to checksum.
 * @param previous - The CRC of the data that precedes `data`; 0 (the default) to start afresh.
 */
export function crc32c(data: Uint8Array, previous = 0): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const whole = data.length - (data.length % 8);
  let crc = ~previous;
  let index = 0;
  for (; index < whole; index += 8) {
    const low = crc ^ view.getInt32(index, true);
    const high = view.getInt32(index + 4, true);
    crc =
      TABLES[0x700 + (low & 0xff)]! ^
      TABLES[0x600 + ((low >>> 8) & 0xff)]! ^
      TABLES[0x500 + ((low >>> 16) & 0xff)]! ^
      TABLES[0x400 + (low >>> 24)]! ^
      TABLES[0x300 + (high & 0xff)]! ^
      TABLES[0x200 + ((high >>> 8) & 0xff)]! ^
      TABLES[0x100 + ((high >>> 16) & 0xff)]! ^
      TABLES[high >>> 24]!;
  }
  for (; index < data.length; index++) crc = TABLES[(crc ^ data[index]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

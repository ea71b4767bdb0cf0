/**
 * A VHDX image whose bytes break MS-VHDX (PROTOCOLS.md §7): a bad signature, checksum, size,
 * offset or state. Names the structure (`header`, `region table`, `metadata`, `BAT`, `log entry`…)
 * and the field that is wrong.
 */
export class VhdxFormatError extends Error {
  override readonly name = 'VhdxFormatError';

  /**
   * @param structure - The on-disk structure being decoded, e.g. `header` or `BAT`.
   * @param field - The field of that structure that is wrong, e.g. `checksum` or `entries[3]`.
   * @param detail - What is wrong with it.
   */
  constructor(
    readonly structure: string,
    readonly field: string,
    detail: string,
  ) {
    super(`VHDX ${structure}.${field}: ${detail}`);
  }
}

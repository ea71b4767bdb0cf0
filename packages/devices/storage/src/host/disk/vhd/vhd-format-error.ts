/**
 * A VHD file whose structure breaks the format (PROTOCOLS.md §7): a wrong cookie or checksum, an
 * offset or size that points outside the file, overlapping blocks… `field` names what was wrong,
 * e.g. `footer.checksum`, `dynamicHeader.blockSize` or `bat[12]`.
 */
export class VhdFormatError extends Error {
  override readonly name = 'VhdFormatError';

  /**
   * @param path - The image file.
   * @param field - The offending field, as `structure.field`.
   * @param problem - What is wrong with it, e.g. `is 0x1234, not the footer's checksum 0x5678`.
   */
  constructor(
    readonly path: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${path}: VHD ${field} ${problem}`);
  }
}

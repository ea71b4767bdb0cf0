import { vhdChecksum } from '../vhd-checksum.js';

/** Offset of the checksum in the footer and in the dynamic header. */
const FOOTER_CHECKSUM = 64;
const HEADER_CHECKSUM = 36;

/**
 * Recomputes the checksums of a VHD image's structures after a test changed them: the footer at
 * the end, and the footer copy at 0 and the dynamic header at 512 where their cookies are.
 */
export function fixVhdChecksums(image: Uint8Array): void {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const fix = (offset: number, size: number, checksumOffset: number, cookie?: string): void => {
    if (offset < 0 || offset + size > image.length) return;
    if (cookie !== undefined && String.fromCharCode(...image.subarray(offset, offset + 8)) !== cookie) return;
    view.setUint32(offset + checksumOffset, vhdChecksum(image.subarray(offset, offset + size), checksumOffset));
  };
  fix(image.length - 512, 512, FOOTER_CHECKSUM);
  fix(0, 512, FOOTER_CHECKSUM, 'conectix');
  fix(512, 1024, HEADER_CHECKSUM, 'cxsparse');
}

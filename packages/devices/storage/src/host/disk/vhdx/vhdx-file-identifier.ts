import { VhdxFormatError } from './vhdx-format-error.js';

/** The 8-byte signature "vhdxfile" that opens every VHDX file (MS-VHDX 2.2.1). */
const SIGNATURE = Uint8Array.from('vhdxfile', (c) => c.charCodeAt(0));

/** The creator string tsvisor writes after the signature, UTF-16LE. */
const CREATOR = 'tsvisor';

/** Whether `head` (the first bytes of a file) starts with the VHDX file identifier. */
export function hasVhdxSignature(head: Uint8Array): boolean {
  return head.length >= SIGNATURE.length && SIGNATURE.every((byte, i) => head[i] === byte);
}

/** Checks the file identifier at offset 0. */
export function checkVhdxFileIdentifier(head: Uint8Array): void {
  if (!hasVhdxSignature(head)) throw new VhdxFormatError('file identifier', 'signature', 'the file does not start with "vhdxfile"');
}

/** The file identifier structure: signature and creator, padded to its 64 KiB. */
export function encodeVhdxFileIdentifier(): Uint8Array {
  const bytes = new Uint8Array(64 * 1024);
  bytes.set(SIGNATURE);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < CREATOR.length; i++) view.setUint16(8 + 2 * i, CREATOR.charCodeAt(i), true);
  return bytes;
}

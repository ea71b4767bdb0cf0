import { ProtocolError } from '@tsvisor/wire';
import { TransferPageHeader, TransferPageRange } from '../protocol/packet-descriptor.js';
import type { TransferPageRangeSpec } from './outgoing-packet.js';

/** Most ranges one transfer-page packet may carry (netvsc batches up to a few hundred frames). */
export const MAX_TRANSFER_PAGE_RANGES = 512;

/** Bytes of the transfer-page extended header for `rangeCount` ranges. */
export function transferPageHeaderLength(rangeCount: number): number {
  return TransferPageHeader.size + rangeCount * TransferPageRange.size;
}

/** Writes the transfer-page extended header at `at`; returns its length. Throws RangeError for a bad spec. */
export function writeTransferPageHeader(view: DataView, at: number, pagesetId: number, ranges: readonly TransferPageRangeSpec[]): number {
  if (!(pagesetId >= 0 && pagesetId <= 0xffff)) throw new RangeError(`page set id ${pagesetId} is not a u16`);
  if (ranges.length === 0 || ranges.length > MAX_TRANSFER_PAGE_RANGES) throw new RangeError(`a transfer-page packet carries 1..${MAX_TRANSFER_PAGE_RANGES} ranges`);
  view.setUint16(at, pagesetId, true);
  view.setUint8(at + 2, 0);
  view.setUint8(at + 3, 0);
  view.setUint32(at + 4, ranges.length, true);
  let p = at + TransferPageHeader.size;
  for (const range of ranges) {
    view.setUint32(p, range.byteCount, true);
    view.setUint32(p + 4, range.byteOffset, true);
    p += TransferPageRange.size;
  }
  return p - at;
}

/**
 * The ranges of a received transfer-page packet, decoded and validated against the page set they
 * point into (an owned copy). The receiver registered that page set (for netvsc, its receive
 * buffer); it reads the ranges through {@link TransferPageList.view}, then completes the packet to
 * give them back to the sender.
 */
export class TransferPageList {
  private constructor(
    readonly pagesetId: number,
    readonly ranges: readonly TransferPageRangeSpec[],
    private readonly pageset: Uint8Array,
  ) {}

  /** Range `index` as a view of the page set. */
  view(index: number): Uint8Array {
    const range = this.ranges[index];
    if (!range) throw new RangeError(`no transfer-page range ${index}`);
    return this.pageset.subarray(range.byteOffset, range.byteOffset + range.byteCount);
  }

  /** Decodes `bytes[start, end)`; every range must lie within the page set `pagesets(pagesetId)`. */
  static decode(bytes: Uint8Array, start: number, end: number, pagesets: (id: number) => Uint8Array | undefined): TransferPageList {
    const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
    const fail = (message: string, path: string, offset: number): ProtocolError =>
      new ProtocolError(message, { layout: 'TransferPageHeader', path, offset });
    if (view.byteLength < TransferPageHeader.size) throw fail('too short for a transfer-page header', 'TransferPageHeader', 0);
    const pagesetId = view.getUint16(0, true);
    const pageset = pagesets(pagesetId);
    if (!pageset) throw fail(`page set ${pagesetId} is not registered`, 'TransferPageHeader.pagesetId', 0);
    const count = view.getUint32(4, true);
    if (count === 0 || count > MAX_TRANSFER_PAGE_RANGES) throw fail(`range count ${count} is not in 1..${MAX_TRANSFER_PAGE_RANGES}`, 'TransferPageHeader.rangeCount', 4);
    if (transferPageHeaderLength(count) > view.byteLength) throw fail(`${count} ranges lie past the header`, 'TransferPageHeader.rangeCount', 4);
    const ranges: TransferPageRangeSpec[] = [];
    for (let r = 0, at = TransferPageHeader.size; r < count; r++, at += TransferPageRange.size) {
      const byteCount = view.getUint32(at, true);
      const byteOffset = view.getUint32(at + 4, true);
      if (byteCount === 0 || byteOffset + byteCount > pageset.length) {
        throw fail(`range ${byteOffset}+${byteCount} is outside the ${pageset.length}-byte page set`, `TransferPageRange[${r}]`, at);
      }
      ranges.push({ byteOffset, byteCount });
    }
    return new TransferPageList(pagesetId, ranges, pageset);
  }
}

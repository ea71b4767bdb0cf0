/**
 * One channel-management message as it travels: the whole payload of one SynIC message
 * (at most {@link SYNIC_MAX_PAYLOAD} bytes), a fixed layout, and for GPADL_HEADER and
 * GPADL_BODY a list of u64 PFNs after the fixed part. Every check here is about form (nothing
 * depends on a machine's state), so every failure is a `ProtocolError`.
 * @module
 */
import { PAGE_SIZE, SYNIC_MAX_PAYLOAD } from '@tsvisor/hypervisor-core/guest';
import { ProtocolError, type Layout } from '@tsvisor/wire';
import { ChannelMessageHeader, GPADL_HEADER_MAX_PFNS, GpadlHeader } from '../protocol/channel-messages.js';
import { GpaRange, PFN_SIZE } from '../protocol/packet-descriptor.js';

/**
 * The message type of `bytes`, after checking that they fit one SynIC payload and hold a header.
 * @throws ProtocolError if `bytes` is longer than a SynIC payload or shorter than the header.
 */
export function readMessageType(bytes: Uint8Array): number {
  if (bytes.length > SYNIC_MAX_PAYLOAD) {
    throw new ProtocolError(`a ${bytes.length}-byte message does not fit in a ${SYNIC_MAX_PAYLOAD}-byte SynIC payload`, {
      layout: ChannelMessageHeader.name,
      offset: SYNIC_MAX_PAYLOAD,
    });
  }
  return ChannelMessageHeader.decode(bytes).msgtype;
}

/**
 * Decodes a fixed-size message, which must be exactly `layout.size` bytes: senders send the
 * structure and nothing after it.
 * @throws ProtocolError if the length differs or a field is invalid.
 */
export function decodeExact<T>(layout: Layout<T>, bytes: Uint8Array): T {
  const value = layout.decode(bytes);
  if (bytes.length !== layout.size) {
    throw new ProtocolError(`${bytes.length} bytes where the message has ${layout.size}`, {
      layout: layout.name,
      offset: layout.size,
    });
  }
  return value;
}

/** A GPADL_HEADER or GPADL_BODY: the fixed part and the PFNs after it. */
export interface MessageWithPfns<T> {
  readonly message: T;
  /**
   * The PFNs as numbers. A PFN beyond `Number.MAX_SAFE_INTEGER` comes out as an unsafe integer,
   * which no guest memory contains, so it still fails validation.
   */
  readonly pfns: number[];
}

/**
 * Decodes a message made of `layout` followed by 1..`maxPfns` u64 PFNs filling the rest.
 * @throws ProtocolError if the fixed part is short or invalid, or the rest is not a whole number of PFNs within bounds.
 */
export function decodeWithPfns<T>(layout: Layout<T>, bytes: Uint8Array, maxPfns: number): MessageWithPfns<T> {
  const message = layout.decode(bytes);
  const rest = bytes.length - layout.size;
  const count = rest / PFN_SIZE;
  if (!Number.isInteger(count) || count < 1 || count > maxPfns) {
    throw new ProtocolError(`${rest} bytes after the fixed part are not 1 to ${maxPfns} PFNs of ${PFN_SIZE} bytes`, {
      layout: layout.name,
      offset: layout.size,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pfns: number[] = [];
  for (let index = 0; index < count; index++) {
    pfns.push(Number(view.getBigUint64(layout.size + index * PFN_SIZE, true)));
  }
  return { message, pfns };
}

/**
 * Encodes `value` with `layout` followed by `pfns` as u64s.
 * @throws RangeError if a PFN is not a non-negative safe integer; ProtocolError if `value` is invalid.
 */
export function encodeWithPfns<T>(layout: Layout<T>, value: T, pfns: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(layout.size + pfns.length * PFN_SIZE);
  const view = new DataView(bytes.buffer);
  layout.write(view, 0, value);
  pfns.forEach((pfn, index) => {
    if (!Number.isSafeInteger(pfn) || pfn < 0) throw new RangeError(`PFN ${pfn} is not a non-negative integer`);
    view.setBigUint64(layout.size + index * PFN_SIZE, BigInt(pfn), true);
  });
  return bytes;
}

/** A GPADL_HEADER whose range is consistent with itself, with the page count it announces. */
export interface GpadlHeaderMessage extends MessageWithPfns<GpadlHeader> {
  /** Pages the whole GPADL describes; `pfns` holds the first min(pageCount, 26). */
  readonly pageCount: number;
}

/**
 * Decodes a GPADL_HEADER and checks its form: one range, starting inside its first page, not
 * empty, `rangeBufLen` = 8 + 8 × pages, and exactly min(pages, 26) PFNs in the message.
 * @throws ProtocolError if anything disagrees.
 */
export function decodeGpadlHeader(bytes: Uint8Array): GpadlHeaderMessage {
  const { message, pfns } = decodeWithPfns(GpadlHeader, bytes, GPADL_HEADER_MAX_PFNS);
  const { range } = message;
  const malformed = (field: 'rangeBufLen' | 'rangeCount' | 'range', problem: string, subfield = '') =>
    new ProtocolError(problem, { layout: GpadlHeader.name, path: field + subfield, offset: GpadlHeader.offsetOf(field) });
  if (message.rangeCount !== 1) throw malformed('rangeCount', `${message.rangeCount} ranges; only 1 is supported`);
  if (range.byteOffset >= PAGE_SIZE) throw malformed('range', `${range.byteOffset} is not inside the first page`, '.byteOffset');
  if (range.byteCount === 0) throw malformed('range', 'an empty range', '.byteCount');
  const pageCount = gpaRangePageCount(range.byteOffset, range.byteCount);
  if (message.rangeBufLen !== GpaRange.size + pageCount * PFN_SIZE) {
    throw malformed('rangeBufLen', `${message.rangeBufLen} does not match the ${pageCount} pages of the range`);
  }
  const inHeader = Math.min(pageCount, GPADL_HEADER_MAX_PFNS);
  if (pfns.length !== inHeader) throw malformed('range', `${pfns.length} PFNs where ${inHeader} are due`);
  return { message, pfns, pageCount };
}

/** Pages a GPA range of `byteCount` bytes starting `byteOffset` bytes into its first page spans. */
export function gpaRangePageCount(byteOffset: number, byteCount: number): number {
  return Math.ceil((byteOffset + byteCount) / PAGE_SIZE);
}

/** Most pages one GPADL can describe: its range, PFNs included, must fit the u16 `rangeBufLen` (8190). */
export const GPADL_MAX_PAGES = Math.floor((0xffff - GpaRange.size) / PFN_SIZE);

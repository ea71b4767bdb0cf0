import { PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';
import { ProtocolError, readU32LE } from '@tsvisor/wire';
import { GpaDirectHeader, GpaRange, PFN_SIZE } from '../protocol/packet-descriptor.js';
import type { GpaRangeSpec } from './outgoing-packet.js';
import type { PageMemory } from './page-memory.js';

/** Most ranges one GPA-direct packet may carry (a storage request uses one; netvsc a few). */
export const MAX_GPA_RANGES = 64;
const TWO_32 = 0x1_0000_0000;
/** PFNs above this do not fit a JavaScript safe integer as a GPA, so no guest can own them. */
const MAX_PFN = Math.floor(Number.MAX_SAFE_INTEGER / PAGE_SIZE);

/** Bytes of the GPA-direct extended header for `ranges`. */
export function gpaDirectHeaderLength(ranges: readonly GpaRangeSpec[]): number {
  let length = GpaDirectHeader.size;
  for (const range of ranges) length += GpaRange.size + range.pfns.length * PFN_SIZE;
  return length;
}

/**
 * Writes the GPA-direct extended header for `ranges` at `at` in `view`; returns its length.
 * Throws RangeError for a malformed spec (a bug of the sender, not peer input).
 */
export function writeGpaDirectHeader(view: DataView, at: number, ranges: readonly GpaRangeSpec[]): number {
  if (ranges.length === 0 || ranges.length > MAX_GPA_RANGES) throw new RangeError(`a GPA-direct packet carries 1..${MAX_GPA_RANGES} ranges, got ${ranges.length}`);
  const start = at;
  view.setUint32(at, 0, true);
  view.setUint32(at + 4, ranges.length, true);
  at += GpaDirectHeader.size;
  for (const range of ranges) {
    const { byteOffset, byteCount, pfns } = range;
    if (!(byteOffset >= 0 && byteOffset < PAGE_SIZE && byteCount > 0 && byteCount <= 0xffffffff)) {
      throw new RangeError(`GPA range offset ${byteOffset}, count ${byteCount} is invalid`);
    }
    if (pfns.length !== Math.ceil((byteOffset + byteCount) / PAGE_SIZE)) {
      throw new RangeError(`GPA range of ${byteCount} bytes at offset ${byteOffset} needs ${Math.ceil((byteOffset + byteCount) / PAGE_SIZE)} PFNs, got ${pfns.length}`);
    }
    view.setUint32(at, byteCount, true);
    view.setUint32(at + 4, byteOffset, true);
    at += GpaRange.size;
    for (const pfn of pfns) {
      if (!Number.isSafeInteger(pfn) || pfn < 0) throw new RangeError(`PFN ${pfn} is invalid`);
      view.setUint32(at, pfn % TWO_32, true);
      view.setUint32(at + 4, Math.floor(pfn / TWO_32), true);
      at += PFN_SIZE;
    }
  }
  return at - start;
}

/** A malformed GPA-direct header (a function, not a closure made per decode). */
function fail(message: string, path: string, offset: number): ProtocolError {
  return new ProtocolError(message, { layout: 'GpaDirectHeader', path, offset });
}

/** One decoded range; its PFNs are not yet checked against guest memory. */
export interface GpaRangeEntry {
  readonly byteOffset: number;
  readonly byteCount: number;
  readonly pfns: readonly number[];
}

/**
 * The ranges of a received GPA-direct packet, decoded and structurally validated (an owned copy:
 * it outlives the packet). {@link GpaRangeList.segments} maps a range onto guest memory after
 * checking every PFN, giving zero-copy views of the guest's pages.
 */
export class GpaRangeList {
  private constructor(
    readonly ranges: readonly GpaRangeEntry[],
    /** Sum of the ranges' byte counts. */
    readonly totalBytes: number,
  ) {}

  /**
   * Decodes the extended header in `bytes[start, end)`. Throws {@link ProtocolError} naming the
   * field for a range count, offset, count or PFN list that does not add up.
   */
  static decode(bytes: Uint8Array, start: number, end: number): GpaRangeList {
    const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
    if (view.byteLength < GpaDirectHeader.size) throw fail(`${view.byteLength} bytes cannot hold a GPA-direct header`, 'GpaDirectHeader', 0);
    const count = view.getUint32(4, true);
    if (count === 0 || count > MAX_GPA_RANGES) throw fail(`range count ${count} is not in 1..${MAX_GPA_RANGES}`, 'GpaDirectHeader.rangeCount', 4);
    const ranges: GpaRangeEntry[] = [];
    let total = 0;
    let at = GpaDirectHeader.size;
    for (let r = 0; r < count; r++) {
      if (at + GpaRange.size > view.byteLength) throw fail(`range ${r} lies past the header`, `GpaRange[${r}]`, at);
      const byteCount = view.getUint32(at, true);
      const byteOffset = view.getUint32(at + 4, true);
      if (byteCount === 0) throw fail(`range ${r} is empty`, `GpaRange[${r}].byteCount`, at);
      if (byteOffset >= PAGE_SIZE) throw fail(`byte offset ${byteOffset} is not inside the first page`, `GpaRange[${r}].byteOffset`, at + 4);
      const pfnCount = Math.ceil((byteOffset + byteCount) / PAGE_SIZE);
      at += GpaRange.size;
      if (at + pfnCount * PFN_SIZE > view.byteLength) throw fail(`range ${r} needs ${pfnCount} PFNs past the header`, `GpaRange[${r}].pfn`, at);
      const pfns: number[] = new Array<number>(pfnCount);
      for (let i = 0; i < pfnCount; i++, at += PFN_SIZE) {
        const pfn = view.getUint32(at + 4, true) * TWO_32 + view.getUint32(at, true);
        if (pfn > MAX_PFN) throw fail(`PFN ${pfn} is beyond any guest memory`, `GpaRange[${r}].pfn[${i}]`, at);
        pfns[i] = pfn;
      }
      ranges.push({ byteOffset, byteCount, pfns });
      total += byteCount;
    }
    return new GpaRangeList(ranges, total);
  }

  /**
   * The fast path of the common case, allocating only the view: when the extended header in
   * `bytes[start, end)` holds exactly one range of at least `length` bytes (`length` > 0) whose PFNs
   * are consecutive and all guest RAM, a view of its first `length` bytes in `memory`; otherwise
   * undefined — also for a malformed header, whose problem {@link GpaRangeList.decode} names.
   */
  static mapContiguous(bytes: Uint8Array, start: number, end: number, memory: PageMemory, length: number): Uint8Array | undefined {
    if (!(length > 0) || end - start < GpaDirectHeader.size + GpaRange.size + PFN_SIZE) return undefined;
    if (readU32LE(bytes, start + 4) !== 1) return undefined;
    const at = start + GpaDirectHeader.size;
    const byteCount = readU32LE(bytes, at);
    const byteOffset = readU32LE(bytes, at + 4);
    if (byteCount < length || byteOffset >= PAGE_SIZE) return undefined;
    const pfnCount = Math.ceil((byteOffset + byteCount) / PAGE_SIZE);
    const pfnsAt = at + GpaRange.size;
    if (pfnsAt + pfnCount * PFN_SIZE > end) return undefined;
    const first = readU32LE(bytes, pfnsAt + 4) * TWO_32 + readU32LE(bytes, pfnsAt);
    if (first > MAX_PFN - pfnCount) return undefined;
    for (let i = 0; i < pfnCount; i++) {
      const pfnAt = pfnsAt + i * PFN_SIZE;
      if (readU32LE(bytes, pfnAt + 4) * TWO_32 + readU32LE(bytes, pfnAt) !== first + i || !memory.isDevicePfn(first + i)) return undefined;
    }
    return new Uint8Array(memory.buffer, first * PAGE_SIZE + byteOffset, length);
  }

  /**
   * Zero-copy views of range `index` in `memory`, one per run of physically contiguous pages,
   * together exactly `byteCount` bytes. Throws {@link ProtocolError} if any PFN is not guest RAM
   * (outside memory or in the hypervisor's reserved pages): nothing is mapped then.
   */
  segments(memory: PageMemory, index: number): Uint8Array[] {
    const range = this.ranges[index];
    if (!range) throw new RangeError(`no GPA range ${index}`);
    const { pfns } = range;
    for (let i = 0; i < pfns.length; i++) {
      if (!memory.isDevicePfn(pfns[i]!)) {
        throw new ProtocolError(`PFN ${pfns[i]} is not guest RAM`, { layout: 'GpaRange', path: `GpaRange[${index}].pfn[${i}]`, offset: i * PFN_SIZE });
      }
    }
    const views: Uint8Array[] = [];
    let remaining = range.byteCount;
    let runStart = 0;
    let offset = range.byteOffset;
    for (let i = 1; i <= pfns.length; i++) {
      if (i < pfns.length && pfns[i] === pfns[i - 1]! + 1) continue;
      const length = Math.min(remaining, (i - runStart) * PAGE_SIZE - offset);
      views.push(new Uint8Array(memory.buffer, pfns[runStart]! * PAGE_SIZE + offset, length));
      remaining -= length;
      runStart = i;
      offset = 0;
    }
    return views;
  }
}

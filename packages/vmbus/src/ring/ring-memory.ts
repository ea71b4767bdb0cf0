import { ProtocolError } from '@tsvisor/wire';
import { PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';
import { RING_CONTROL_PAGE_SIZE } from '../protocol/ring-control.js';

/**
 * One ring's pages (PROTOCOLS.md §1): a 4 KiB control page followed by a data area of whole
 * pages, contiguous in a SharedArrayBuffer (guest memory). Wrap-aware copies in and out of the
 * data area; nothing outside these pages is ever read or written.
 */
export class RingMemory {
  /** The data area. */
  readonly data: Uint8Array;
  /** Size of the data area in bytes. */
  readonly size: number;
  /** The control page as 32-bit words (for Atomics). */
  readonly control: Int32Array;
  /** The data area as a DataView, for descriptor and footer fields that do not wrap. */
  readonly view: DataView;

  constructor(buffer: SharedArrayBuffer, byteOffset: number, byteLength: number) {
    if (byteOffset % PAGE_SIZE !== 0 || byteLength % PAGE_SIZE !== 0 || byteLength < RING_CONTROL_PAGE_SIZE + PAGE_SIZE) {
      throw new RangeError(`a ring is a control page plus at least one data page, page aligned (offset ${byteOffset}, length ${byteLength})`);
    }
    if (byteOffset + byteLength > buffer.byteLength) throw new RangeError('the ring does not fit in its buffer');
    this.control = new Int32Array(buffer, byteOffset, RING_CONTROL_PAGE_SIZE / 4);
    this.data = new Uint8Array(buffer, byteOffset + RING_CONTROL_PAGE_SIZE, byteLength - RING_CONTROL_PAGE_SIZE);
    this.size = this.data.length;
    this.view = new DataView(buffer, byteOffset + RING_CONTROL_PAGE_SIZE, this.size);
  }

  /** Reads a control-page u32 (acquire). */
  load(offset: number): number {
    return Atomics.load(this.control, offset >>> 2) >>> 0;
  }

  /** Writes a control-page u32 (release). */
  store(offset: number, value: number): void {
    Atomics.store(this.control, offset >>> 2, value | 0);
  }

  /**
   * Reads an index the peer controls and validates it: below the data size and 8-byte
   * aligned, or the peer is misbehaving.
   */
  loadIndex(offset: number, field: string): number {
    const index = this.load(offset);
    if (index >= this.size || index % 8 !== 0) {
      throw new ProtocolError(`${field} ${index} is outside the ${this.size}-byte ring or not 8-byte aligned`, {
        layout: 'RingControl',
        path: `RingControl.${field}`,
        offset,
      });
    }
    return index;
  }

  /** Copies `length` bytes of `source` from `sourceOffset` into the data area at `position`, wrapping. */
  copyIn(position: number, source: Uint8Array, sourceOffset: number, length: number): void {
    if (length === 0) return;
    if (sourceOffset === 0 && length === source.length && position + length <= this.size) {
      this.data.set(source, position); // the common case, without allocating a view
      return;
    }
    const first = Math.min(length, this.size - position);
    this.data.set(source.subarray(sourceOffset, sourceOffset + first), position);
    if (first < length) this.data.set(source.subarray(sourceOffset + first, sourceOffset + length), 0);
  }

  /** Copies `length` bytes of the data area from `position` (wrapping) into `target` at `targetOffset`. */
  copyOut(position: number, target: Uint8Array, targetOffset: number, length: number): void {
    const first = Math.min(length, this.size - position);
    target.set(this.data.subarray(position, position + first), targetOffset);
    if (first < length) target.set(this.data.subarray(0, length - first), targetOffset + first);
  }

  /** `position + delta` modulo the data size. */
  advance(position: number, delta: number): number {
    const next = position + delta;
    return next >= this.size ? next - this.size : next;
  }

  /** Bytes from `from` to `to` going forward around the ring. */
  distance(from: number, to: number): number {
    return to >= from ? to - from : this.size - from + to;
  }
}

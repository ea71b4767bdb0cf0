import { PAGE_SIZE } from '../synic/synic-layout.js';
import { GuestMemoryAccessError } from './guest-memory-access-error.js';

/**
 * A partition's guest physical memory: one SharedArrayBuffer, addressed by guest physical
 * address (GPA, bytes) or page frame number (PFN, 4 KiB pages). Every access is bounds
 * checked; views are zero-copy windows onto the guest's pages.
 *
 * The top {@link GuestMemory.reservedPageCount} pages belong to the hypervisor (the SynIC);
 * devices must not map them ({@link GuestMemory.isDevicePfn}).
 */
export class GuestMemory {
  /** The backing store, shared with the partition's virtual processors. */
  readonly buffer: SharedArrayBuffer;
  /** Size in bytes (a multiple of 4 KiB). */
  readonly size: number;
  /** Number of 4 KiB pages. */
  readonly pageCount: number;
  /** First PFN of the hypervisor-reserved pages at the top of memory. */
  readonly reservedFirstPfn: number;
  private readonly bytes: Uint8Array;

  constructor(size: number, reservedPageCount = 0) {
    if (!Number.isSafeInteger(size) || size <= 0 || size % PAGE_SIZE !== 0) {
      throw new RangeError(`guest memory size must be a positive multiple of ${PAGE_SIZE} bytes, got ${size}`);
    }
    const pageCount = size / PAGE_SIZE;
    if (!Number.isSafeInteger(reservedPageCount) || reservedPageCount < 0 || reservedPageCount >= pageCount) {
      throw new RangeError(`reserved page count ${reservedPageCount} does not fit in ${pageCount} pages`);
    }
    this.buffer = new SharedArrayBuffer(size);
    this.size = size;
    this.pageCount = pageCount;
    this.reservedFirstPfn = pageCount - reservedPageCount;
    this.bytes = new Uint8Array(this.buffer);
  }

  /** Pages the hypervisor keeps for itself at the top of memory. */
  get reservedPageCount(): number {
    return this.pageCount - this.reservedFirstPfn;
  }

  /** Whether `pfn` is ordinary guest RAM that a device may map (not reserved, not outside). */
  isDevicePfn(pfn: number): boolean {
    return Number.isSafeInteger(pfn) && pfn >= 0 && pfn < this.reservedFirstPfn;
  }

  /** Throws {@link GuestMemoryAccessError} unless [gpa, gpa + length) lies inside guest memory. */
  check(gpa: number, length: number): void {
    if (
      !Number.isSafeInteger(gpa) ||
      !Number.isSafeInteger(length) ||
      gpa < 0 ||
      length < 0 ||
      gpa + length > this.size
    ) {
      throw new GuestMemoryAccessError(gpa, length, this.size);
    }
  }

  /** A zero-copy view of [gpa, gpa + length). Writes through it land in guest memory. */
  view(gpa: number, length: number): Uint8Array {
    this.check(gpa, length);
    return new Uint8Array(this.buffer, gpa, length);
  }

  /** A zero-copy view of `count` pages starting at `pfn`. */
  pages(pfn: number, count: number): Uint8Array {
    return this.view(pfn * PAGE_SIZE, count * PAGE_SIZE);
  }

  /** A DataView over [gpa, gpa + length), for typed field access. */
  dataView(gpa: number, length: number): DataView {
    this.check(gpa, length);
    return new DataView(this.buffer, gpa, length);
  }

  /** A copy of [gpa, gpa + length): later guest writes do not change it. */
  read(gpa: number, length: number): Uint8Array {
    this.check(gpa, length);
    return this.bytes.slice(gpa, gpa + length);
  }

  /** Copies [gpa, gpa + target.length) into `target`. */
  readInto(gpa: number, target: Uint8Array): void {
    this.check(gpa, target.length);
    target.set(this.bytes.subarray(gpa, gpa + target.length));
  }

  /** Copies `data` into guest memory at `gpa`. */
  write(gpa: number, data: Uint8Array): void {
    this.check(gpa, data.length);
    this.bytes.set(data, gpa);
  }

  /** Sets [gpa, gpa + length) to `value`. */
  fill(gpa: number, length: number, value = 0): void {
    this.check(gpa, length);
    this.bytes.fill(value, gpa, gpa + length);
  }

  /** GPA of page `pfn`. */
  static gpaOf(pfn: number): number {
    return pfn * PAGE_SIZE;
  }

  /** PFN of the page holding `gpa`. */
  static pfnOf(gpa: number): number {
    return Math.floor(gpa / PAGE_SIZE);
  }
}

import type { PageMemory } from '@tsvisor/device-sdk';

/** Bytes of a guest page. */
export const GUEST_PAGE_SIZE = 4096;

/** A run of guest pages the driver lends to the host for one request's data. */
export interface IoPages {
  readonly firstPfn: number;
  readonly pageCount: number;
  /** The pages, as a view of guest memory. */
  readonly bytes: Uint8Array;
}

/**
 * Guest pages set aside for I/O buffers: the data of a request whose caller's buffer is not in
 * guest memory goes through a run of them (the host reads and writes guest pages, never the
 * guest's heap). A first-fit allocator of contiguous runs over a page map, allocation-free for the
 * request path ({@link tryTake}, {@link give}); a request that finds no run waits until one is
 * given back ({@link allocate}), so the pool also bounds the bytes in flight.
 */
export class IoPagePool {
  /** 1 for each page lent out. */
  private readonly lent: Uint8Array;
  private freePages: number;
  private readonly waiters: (() => void)[] = [];

  /** @throws RangeError - if a page of the region is not guest RAM. */
  constructor(
    private readonly memory: PageMemory,
    readonly firstPfn: number,
    readonly pageCount: number,
  ) {
    if (!(Number.isSafeInteger(pageCount) && pageCount > 0 && memory.isDevicePfn(firstPfn) && memory.isDevicePfn(firstPfn + pageCount - 1))) {
      throw new RangeError(`I/O pages ${firstPfn}+${pageCount} are not guest RAM`);
    }
    this.lent = new Uint8Array(pageCount);
    this.freePages = pageCount;
  }

  /**
   * Lends the first free run of `count` contiguous pages; returns its first PFN, or -1 if there is
   * none now. Allocates nothing.
   */
  tryTake(count: number): number {
    if (!(count >= 1 && count <= this.freePages)) return -1;
    const lent = this.lent;
    let run = 0;
    for (let page = 0; page < lent.length; page++) {
      if (lent[page] !== 0) {
        run = 0;
      } else if (++run === count) {
        const first = page - count + 1;
        lent.fill(1, first, page + 1);
        this.freePages -= count;
        return this.firstPfn + first;
      }
    }
    return -1;
  }

  /** Takes back the `count` pages from `firstPfn` lent by {@link tryTake}, and wakes the requests waiting for pages. */
  give(firstPfn: number, count: number): void {
    const first = firstPfn - this.firstPfn;
    this.lent.fill(0, first, first + count);
    this.freePages += count;
    if (this.waiters.length !== 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when pages are given back (try {@link tryTake} again then). */
  room(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** A run of `count` contiguous pages, waiting for one to be given back if none is free. */
  async allocate(count: number): Promise<IoPages> {
    if (!(Number.isInteger(count) && count > 0 && count <= this.pageCount)) throw new RangeError(`cannot lend ${count} pages from a pool of ${this.pageCount}`);
    for (;;) {
      const first = this.tryTake(count);
      if (first >= 0) return { firstPfn: first, pageCount: count, bytes: new Uint8Array(this.memory.buffer, first * GUEST_PAGE_SIZE, count * GUEST_PAGE_SIZE) };
      await this.room();
    }
  }

  /** Returns a run from {@link allocate} to the pool. */
  release(pages: IoPages): void {
    this.give(pages.firstPfn, pages.pageCount);
  }
}

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
 * guest's heap). A first-fit allocator of contiguous runs; a request that finds none waits until
 * one is released, so the pool also bounds the bytes in flight.
 */
export class IoPagePool {
  /** Free runs, sorted by first PFN. */
  private readonly free: { first: number; count: number }[];
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
    this.free = [{ first: firstPfn, count: pageCount }];
  }

  /** A run of `count` contiguous pages, waiting for one to be released if none is free. */
  async allocate(count: number): Promise<IoPages> {
    if (!(Number.isInteger(count) && count > 0 && count <= this.pageCount)) throw new RangeError(`cannot lend ${count} pages from a pool of ${this.pageCount}`);
    for (;;) {
      const index = this.free.findIndex((run) => run.count >= count);
      if (index >= 0) {
        const run = this.free[index]!;
        const first = run.first;
        run.first += count;
        run.count -= count;
        if (run.count === 0) this.free.splice(index, 1);
        return { firstPfn: first, pageCount: count, bytes: new Uint8Array(this.memory.buffer, first * GUEST_PAGE_SIZE, count * GUEST_PAGE_SIZE) };
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Returns a run to the pool and wakes the requests waiting for pages. */
  release(pages: IoPages): void {
    const { firstPfn: first, pageCount: count } = pages;
    let index = this.free.findIndex((run) => run.first > first);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, { first, count });
    const next = this.free[index + 1];
    if (next && first + count === next.first) {
      this.free[index]!.count += next.count;
      this.free.splice(index + 1, 1);
    }
    const previous = this.free[index - 1];
    if (previous && previous.first + previous.count === first) {
      previous.count += this.free[index]!.count;
      this.free.splice(index, 1);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}

import { PAGE_SIZE } from '@tsvisor/hypervisor-core/guest';

/**
 * Guest RAM pages handed to VMBus for ring buffers: a first-fit allocator of contiguous runs
 * over a range of PFNs the guest reserved for it. Freed runs merge with their neighbours.
 */
export class GuestPageArena {
  /** Free runs, sorted by first PFN. */
  private readonly free: { first: number; count: number }[];

  constructor(
    private readonly memory: SharedArrayBuffer,
    readonly firstPfn: number,
    readonly pageCount: number,
  ) {
    if (!(Number.isSafeInteger(firstPfn) && firstPfn >= 0 && Number.isSafeInteger(pageCount) && pageCount > 0)) {
      throw new RangeError(`invalid page arena ${firstPfn}+${pageCount}`);
    }
    if ((firstPfn + pageCount) * PAGE_SIZE > memory.byteLength) throw new RangeError('the page arena lies outside guest memory');
    this.free = [{ first: firstPfn, count: pageCount }];
  }

  /** Allocates `count` contiguous zeroed pages; returns the first PFN. Throws RangeError when none fit. */
  allocate(count: number): number {
    const index = this.free.findIndex((run) => run.count >= count);
    if (!(count > 0) || index < 0) throw new RangeError(`no ${count} contiguous free pages in the VMBus page arena`);
    const run = this.free[index]!;
    const first = run.first;
    run.first += count;
    run.count -= count;
    if (run.count === 0) this.free.splice(index, 1);
    new Uint8Array(this.memory, first * PAGE_SIZE, count * PAGE_SIZE).fill(0);
    return first;
  }

  /** Returns `count` pages from `first` to the arena. */
  release(first: number, count: number): void {
    let index = this.free.findIndex((run) => run.first > first);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, { first, count });
    for (let i = Math.max(0, index - 1); i < this.free.length - 1; ) {
      const a = this.free[i]!;
      const b = this.free[i + 1]!;
      if (a.first + a.count === b.first) {
        a.count += b.count;
        this.free.splice(i + 1, 1);
      } else if (i >= index) break;
      else i++;
    }
  }

  /** Pages currently free. */
  get freePages(): number {
    return this.free.reduce((sum, run) => sum + run.count, 0);
  }
}

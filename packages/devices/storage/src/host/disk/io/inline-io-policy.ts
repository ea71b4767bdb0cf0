/**
 * When a disk's small jobs run on the caller's thread (the VSP's event loop) instead of its I/O
 * thread. A 4 KiB read from the page cache takes about 1 µs, far less than handing it to a thread
 * and hearing back (two wake-ups, tens of µs); a read that has to wait for a device takes longer
 * than that hand-over, and blocks the event loop meanwhile. So: jobs up to {@link maxBytes} run
 * inline while they are fast; {@link slowStreak} in a row that take longer than {@link slowMs}
 * send the next {@link backoffJobs} jobs to the thread, then inline is tried again. One slow job
 * alone is no sign of a device: on a busy machine the thread doing it was merely preempted.
 */
export class InlineIoPolicy {
  /** Jobs still to send to the thread since the last slow inline one. */
  private offloading = 0;
  /** Inline jobs that were slow, since the disk opened. */
  slowJobs = 0;
  /** Slow inline jobs in a row, up to now. */
  private streak = 0;

  constructor(
    /** Largest job run inline; 0 runs none inline. */
    readonly maxBytes = 64 * 1024,
    /** An inline job slower than this (in ms) sends the next ones to the thread. */
    readonly slowMs = 0.1,
    /** Jobs that go to the thread after {@link slowStreak} slow inline ones. */
    readonly backoffJobs = 1024,
    /** Slow inline jobs in a row that send the next ones to the thread. */
    readonly slowStreak = 2,
  ) {}

  /** Whether a job of `length` bytes runs inline now (asking twice for the same job is harmless). */
  inline(length: number): boolean {
    return length <= this.maxBytes && this.offloading === 0;
  }

  /** A job went to the thread: one fewer to send there before inline is tried again. */
  offloaded(): void {
    if (this.offloading > 0) this.offloading--;
  }

  /** An inline job took `elapsedMs`. */
  record(elapsedMs: number): void {
    if (elapsedMs <= this.slowMs) {
      this.streak = 0;
      return;
    }
    this.slowJobs++;
    if (++this.streak < this.slowStreak) return;
    this.streak = 0;
    this.offloading = this.backoffJobs;
  }
}

/**
 * Time for guest programs: the guest realm has no timers (DESIGN §3), so the kernel gives the
 * program a clock with a `sleep` built on `Atomics.waitAsync` over a word of its own. A sleeping
 * program holds no host resource; a paused VM stops it at its next hypercall.
 */
export class GuestClock {
  /** A word nobody ever notifies: waiting on it is a timer. */
  private readonly word = new Int32Array(new SharedArrayBuffer(4));

  /** Milliseconds since the epoch, as the guest's `Date` reads them. */
  now(): number {
    return Date.now();
  }

  /**
   * Resolves after about `ms` milliseconds (at once for 0, negative or non-finite values up to
   * {@link GuestClock.MAX_SLEEP_MS}).
   */
  async sleep(ms: number): Promise<void> {
    const timeout = Number.isFinite(ms) ? Math.min(Math.max(0, ms), GuestClock.MAX_SLEEP_MS) : 0;
    if (timeout === 0) return;
    const wait = Atomics.waitAsync(this.word, 0, 0, timeout);
    if (wait.async) await wait.value;
  }

  /** The longest single sleep: a day. */
  static readonly MAX_SLEEP_MS = 86_400_000;
}

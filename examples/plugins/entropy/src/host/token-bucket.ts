/**
 * A token bucket over a clock the caller reads: `rate` tokens a second flow in, up to `capacity`;
 * it starts full. No timers of its own, so it is tested step by step.
 */
export class TokenBucket {
  private tokens: number;

  /**
   * @param rate - Tokens added per second (above 0).
   * @param capacity - The most tokens held at once: the largest burst, and the largest take.
   * @param now - The clock's reading now, in milliseconds.
   */
  constructor(
    readonly rate: number,
    readonly capacity: number,
    private last: number,
  ) {
    if (!(rate > 0)) throw new RangeError(`a token bucket needs a rate above 0, got ${rate}`);
    if (!(capacity > 0)) throw new RangeError(`a token bucket needs a capacity above 0, got ${capacity}`);
    this.tokens = capacity;
  }

  /** Takes `count` tokens if the bucket holds them at time `now`; returns whether it did. */
  tryTake(count: number, now: number): boolean {
    this.refill(now);
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }

  /** Milliseconds from `now` until the bucket holds `count` tokens (0 if it does now). */
  delayFor(count: number, now: number): number {
    if (count > this.capacity) throw new RangeError(`${count} tokens exceed the bucket's capacity of ${this.capacity}`);
    this.refill(now);
    return this.tokens >= count ? 0 : Math.ceil(((count - this.tokens) * 1000) / this.rate);
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
    }
  }
}

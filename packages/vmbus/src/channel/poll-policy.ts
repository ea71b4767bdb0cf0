/**
 * Adaptive, bounded spinning (DESIGN §4 poll mode): after draining, a channel that has I/O in
 * flight spins this many checks of its ring before it unmasks interrupts and sleeps. A spin that
 * finds data doubles the budget (up to `maxSpins`); one that finds nothing halves it (down to
 * `minSpins`), so an idle channel stops burning CPU quickly and a busy one stays on the fast path.
 */
export class PollPolicy {
  private budget: number;
  /** Spins that found data before their budget ran out. */
  hits = 0;
  /** Spins that ran out. */
  misses = 0;

  constructor(
    readonly minSpins = 256,
    readonly maxSpins = 1 << 15,
  ) {
    if (!(minSpins >= 1 && maxSpins >= minSpins)) throw new RangeError(`poll spins need 1 ≤ min ≤ max, got ${minSpins}..${maxSpins}`);
    this.budget = minSpins;
  }

  /** Checks allowed for the next spin. */
  get spins(): number {
    return this.budget;
  }

  /** The last spin found data. */
  hit(): void {
    this.hits++;
    if (this.budget < this.maxSpins) this.budget *= 2;
  }

  /** The last spin ran out. */
  miss(): void {
    this.misses++;
    if (this.budget > this.minSpins) this.budget = Math.max(this.minSpins, this.budget >>> 1);
  }
}

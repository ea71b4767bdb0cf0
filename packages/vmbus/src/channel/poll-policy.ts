/**
 * Adaptive, bounded spinning (DESIGN §4 poll mode): after draining, a channel that has I/O in
 * flight spins this many checks of its ring before it unmasks interrupts and sleeps. A spin that
 * finds data doubles the budget (up to `maxSpins`), and so does an answer that came by interrupt
 * soon after a spin ran out ({@link PollPolicy.late}: the budget was too short for the round trip).
 * A spin that runs out with nothing in flight halves it (down to `minSpins`), so an idle channel
 * stops burning CPU quickly; one that runs out while requests are in flight leaves it as it is
 * (the answer is still coming: shrinking would only make the next spin miss it too).
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
    this.grow();
  }

  /** The last spin ran out; `inFlight`: requests were still awaiting their answers. */
  miss(inFlight = false): void {
    this.misses++;
    if (!inFlight && this.budget > this.minSpins) this.budget = Math.max(this.minSpins, this.budget >>> 1);
  }

  /** An answer the last spin gave up on came by interrupt: a longer spin would have caught it. */
  late(): void {
    this.grow();
  }

  private grow(): void {
    if (this.budget < this.maxSpins) this.budget = Math.min(this.maxSpins, this.budget * 2);
  }
}

/** The largest number a {@link PrimeSieve} goes up to by default: the count and the largest prime then fit a KVP DWORD. */
const DWORD_LIMIT = 2 ** 32;

/** Numbers a {@link PrimeSieve} looks at in one slice, by default. */
const DEFAULT_SLICE_SIZE = 65_536;

/**
 * A segmented sieve of Eratosthenes that goes up the numbers one slice at a time, so that a
 * program can spend a bounded time on it and come back later. It keeps one slice of marks and
 * the primes up to the square root of its limit: its memory does not grow with the numbers
 * sieved.
 */
export class PrimeSieve {
  /** Primes up to √limit: the only ones that cross off multiples below the limit. */
  readonly #crossingPrimes: number[] = [];
  readonly #crossingLimit: number;
  readonly #composite: Uint8Array;
  #next = 2;
  #found = 0;
  #largest = 0;

  constructor(
    /** The sieve stops below this number. */
    readonly limit = DWORD_LIMIT,
    sliceSize = DEFAULT_SLICE_SIZE,
  ) {
    if (!Number.isSafeInteger(limit) || limit < 2) throw new RangeError(`a sieve limit is a safe integer of 2 or more, got ${limit}`);
    if (!Number.isInteger(sliceSize) || sliceSize < 1) throw new RangeError(`a slice size is a positive integer, got ${sliceSize}`);
    this.#crossingLimit = Math.floor(Math.sqrt(limit));
    this.#composite = new Uint8Array(sliceSize);
  }

  /** Primes found so far. */
  get found(): number {
    return this.#found;
  }

  /** The largest prime found so far; 0 before the first. */
  get largest(): number {
    return this.#largest;
  }

  /** Every number below this one has been sieved. */
  get sievedBelow(): number {
    return this.#next;
  }

  /** Whether every number below {@link limit} has been sieved. */
  get finished(): boolean {
    return this.#next >= this.limit;
  }

  /** Sieves the next slice of numbers; does nothing once {@link finished}. */
  sieveSlice(): void {
    const low = this.#next;
    const high = Math.min(low + this.#composite.length, this.limit);
    if (low >= high) return;
    const composite = this.#composite;
    composite.fill(0, 0, high - low);
    for (const prime of this.#crossingPrimes) {
      if (prime * prime >= high) break;
      for (let multiple = Math.max(prime * prime, Math.ceil(low / prime) * prime); multiple < high; multiple += prime) composite[multiple - low] = 1;
    }
    for (let n = low; n < high; n++) {
      if (composite[n - low] === 1) continue;
      this.#found++;
      this.#largest = n;
      if (n > this.#crossingLimit) continue;
      this.#crossingPrimes.push(n);
      // A prime of this very slice crosses off its multiples here too, before the scan reaches them.
      for (let multiple = n * n; multiple < high; multiple += n) composite[multiple - low] = 1;
    }
    this.#next = high;
  }
}

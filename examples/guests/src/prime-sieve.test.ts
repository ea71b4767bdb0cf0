import { describe, expect, it } from 'vitest';
import { PrimeSieve } from './prime-sieve.js';

/** The primes below `limit` by trial division: slow, obviously right. */
function primesByTrialDivision(limit: number): number[] {
  const primes: number[] = [];
  for (let n = 2; n < limit; n++) if (primes.every((p) => p * p > n || n % p !== 0)) primes.push(n);
  return primes;
}

function sieveAll(sieve: PrimeSieve): PrimeSieve {
  while (!sieve.finished) sieve.sieveSlice();
  return sieve;
}

describe('PrimeSieve', () => {
  it('finds the 78,498 primes below 1,000,000, the largest 999,983', () => {
    const sieve = sieveAll(new PrimeSieve(1_000_000));
    expect(sieve.found).toBe(78_498);
    expect(sieve.largest).toBe(999_983);
    expect(sieve.sievedBelow).toBe(1_000_000);
  });

  it.each([1, 2, 7, 100, 97, 4_096])('finds what trial division finds whatever the slice size (%i)', (sliceSize) => {
    const expected = primesByTrialDivision(10_000);
    const sieve = sieveAll(new PrimeSieve(10_000, sliceSize));
    expect(sieve.found).toBe(expected.length);
    expect(sieve.largest).toBe(expected.at(-1));
  });

  it('goes up one slice at a time and stops at its limit', () => {
    const sieve = new PrimeSieve(100, 30);
    expect([sieve.found, sieve.largest, sieve.sievedBelow, sieve.finished]).toEqual([0, 0, 2, false]);
    sieve.sieveSlice();
    expect([sieve.found, sieve.largest, sieve.sievedBelow]).toEqual([11, 31, 32]);
    sieveAll(sieve);
    expect([sieve.found, sieve.largest, sieve.sievedBelow, sieve.finished]).toEqual([25, 97, 100, true]);
    sieve.sieveSlice();
    expect([sieve.found, sieve.largest, sieve.sievedBelow]).toEqual([25, 97, 100]);
  });

  it('has nothing to sieve below 2', () => {
    expect(new PrimeSieve(2).finished).toBe(true);
    expect(sieveAll(new PrimeSieve(3)).largest).toBe(2);
  });

  it('refuses a limit below 2 and a slice size below 1', () => {
    expect(() => new PrimeSieve(1)).toThrow(RangeError);
    expect(() => new PrimeSieve(2 ** 60)).toThrow(RangeError);
    expect(() => new PrimeSieve(100, 0)).toThrow(RangeError);
  });
});

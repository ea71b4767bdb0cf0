import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('starts full and gives out at most its capacity at once', () => {
    const bucket = new TokenBucket(1000, 4000, 0);
    expect(bucket.tryTake(3000, 0)).toBe(true);
    expect(bucket.tryTake(1001, 0)).toBe(false);
    expect(bucket.tryTake(1000, 0)).toBe(true);
    expect(bucket.tryTake(1, 0)).toBe(false);
  });

  it('refills at its rate, up to its capacity', () => {
    const bucket = new TokenBucket(1000, 4000, 0);
    bucket.tryTake(4000, 0);
    expect(bucket.tryTake(500, 499)).toBe(false);
    expect(bucket.tryTake(500, 500)).toBe(true);
    expect(bucket.tryTake(4000, 60_000)).toBe(true);
    expect(bucket.tryTake(1, 60_000)).toBe(false);
  });

  it('says how long until it holds a count, rounding up to the millisecond', () => {
    const bucket = new TokenBucket(3000, 3000, 0);
    expect(bucket.delayFor(3000, 0)).toBe(0);
    bucket.tryTake(3000, 0);
    expect(bucket.delayFor(1000, 0)).toBe(334);
    expect(bucket.tryTake(1000, 334)).toBe(true);
    expect(() => bucket.delayFor(3001, 334)).toThrow(RangeError);
  });

  it('ignores a clock that goes backwards', () => {
    const bucket = new TokenBucket(1000, 1000, 10_000);
    bucket.tryTake(1000, 10_000);
    expect(bucket.tryTake(1, 5_000)).toBe(false);
    expect(bucket.tryTake(1000, 11_000)).toBe(true);
  });

  it('refuses a rate or capacity that is not above 0', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(RangeError);
  });
});

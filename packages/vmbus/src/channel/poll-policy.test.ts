import { describe, expect, it } from 'vitest';
import { PollPolicy } from './poll-policy.js';

describe('PollPolicy', () => {
  it('doubles its budget on a hit, up to the maximum', () => {
    const policy = new PollPolicy(4, 16);
    policy.hit();
    expect(policy.spins).toBe(8);
    policy.hit();
    policy.hit();
    expect(policy.spins).toBe(16);
    expect(policy.hits).toBe(3);
  });

  it('halves its budget when a spin runs out with nothing in flight, down to the minimum', () => {
    const policy = new PollPolicy(4, 64);
    for (let i = 0; i < 4; i++) policy.hit();
    expect(policy.spins).toBe(64);
    policy.miss();
    expect(policy.spins).toBe(32);
    for (let i = 0; i < 10; i++) policy.miss(false);
    expect(policy.spins).toBe(4);
    expect(policy.misses).toBe(11);
  });

  it('keeps its budget when a spin runs out while requests are in flight', () => {
    const policy = new PollPolicy(4, 64);
    policy.hit();
    policy.hit();
    for (let i = 0; i < 5; i++) policy.miss(true);
    expect(policy.spins).toBe(16);
    expect(policy.misses).toBe(5);
  });

  it('grows its budget when an answer it gave up on comes late, up to the maximum', () => {
    const policy = new PollPolicy(4, 32);
    policy.miss(true);
    policy.late();
    expect(policy.spins).toBe(8);
    for (let i = 0; i < 5; i++) policy.late();
    expect(policy.spins).toBe(32);
    expect(policy.hits).toBe(0);
  });

  it('refuses a budget range that is empty or below one spin', () => {
    expect(() => new PollPolicy(0, 8)).toThrow(RangeError);
    expect(() => new PollPolicy(16, 8)).toThrow(RangeError);
  });
});

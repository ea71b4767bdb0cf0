import { describe, expect, it } from 'vitest';
import { RunClock } from './run-clock.js';

/** Spins until `performance.now()` has moved past `since`. */
function after(since: number): void {
  while (performance.now() <= since);
}

describe('RunClock', () => {
  it('gives the last reading of a run until a fresh one, and a fresh one in the next run', async () => {
    const clock = new RunClock();
    const first = clock.recent();
    after(first);
    // Same run: still the first reading, however much time went by.
    expect(clock.recent()).toBe(first);
    const second = clock.fresh();
    expect(second).toBeGreaterThan(first);
    after(second);
    expect(clock.recent()).toBe(second);
    // The run ends when microtasks run: the next one reads the time anew.
    await Promise.resolve();
    const third = clock.recent();
    expect(third).toBeGreaterThan(second);
    after(third);
    expect(clock.recent()).toBe(third);
  });

  it('times a run of jobs from the end of each to the end of the next', () => {
    const clock = new RunClock();
    const ends: number[] = [];
    let start = clock.recent();
    for (let job = 0; job < 3; job++) {
      after(start);
      const end = clock.fresh();
      ends.push(end - start);
      start = clock.recent();
      expect(start).toBe(end);
    }
    expect(ends.every((elapsed) => elapsed > 0)).toBe(true);
  });
});

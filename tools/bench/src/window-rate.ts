import { setTimeout as sleep } from 'node:timers/promises';
import { median } from './figure.js';

/** How a rate is sampled: `windows` measured windows of `windowMs`, after one warm-up window. */
export interface RateWindows {
  readonly windows: number;
  readonly windowMs: number;
}

/**
 * The median over `windows` windows (after one warm-up window that is not kept) of how fast
 * `count()` grows, per second. `count` is read on this thread: a counter this thread updates, or
 * one another thread publishes (an `Atomics.load` of shared memory).
 */
export async function medianWindowRate(count: () => number, { windows, windowMs }: RateWindows): Promise<number> {
  const sample = async (): Promise<number> => {
    const from = count();
    const start = performance.now();
    await sleep(windowMs);
    return (count() - from) / ((performance.now() - start) / 1000);
  };
  await sample();
  return median(windows, sample);
}

import { describe, expect, it } from 'vitest';
import { formatProgressBar } from './progress-bar.js';

describe('formatProgressBar', () => {
  it('fills a share of its 30 cells as large as the percentage, and keeps the figure aligned', () => {
    expect(formatProgressBar(0)).toBe(`[${'.'.repeat(30)}]   0%`);
    expect(formatProgressBar(50)).toBe(`[${'#'.repeat(15)}${'.'.repeat(15)}]  50%`);
    expect(formatProgressBar(100)).toBe(`[${'#'.repeat(30)}] 100%`);
  });

  it('keeps values out of range inside the bar', () => {
    expect(formatProgressBar(140)).toBe(formatProgressBar(100));
    expect(formatProgressBar(-3)).toBe(formatProgressBar(0));
  });
});

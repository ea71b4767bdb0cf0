import { describe, expect, it } from 'vitest';
import { InlineIoPolicy } from './inline-io-policy.js';

describe('InlineIoPolicy', () => {
  it('runs jobs up to maxBytes inline, bigger ones on the thread', () => {
    const policy = new InlineIoPolicy(65536);
    expect(policy.inline(4096)).toBe(true);
    expect(policy.inline(65536)).toBe(true);
    expect(policy.inline(65537)).toBe(false);
    expect(new InlineIoPolicy(0).inline(512)).toBe(false);
  });

  it('sends backoffJobs jobs to the thread after slowStreak slow ones in a row, and shrugs off one alone', () => {
    const policy = new InlineIoPolicy(65536, 0.1, 3, 2);
    // One slow job between fast ones: a preempted thread, not a device.
    policy.record(5);
    policy.record(0.01);
    policy.record(5);
    expect(policy.inline(4096)).toBe(true);
    expect(policy.slowJobs).toBe(2);
    // Two in a row: the next three go to the thread, then inline again. Asking does not count;
    // a job that went to the thread does.
    policy.record(5);
    expect(policy.inline(4096)).toBe(false);
    expect(policy.inline(4096)).toBe(false);
    const decisions = [1, 2, 3, 4].map(() => {
      const inline = policy.inline(4096);
      if (!inline) policy.offloaded();
      return inline;
    });
    expect(decisions).toEqual([false, false, false, true]);
    expect(policy.slowJobs).toBe(3);
  });
});

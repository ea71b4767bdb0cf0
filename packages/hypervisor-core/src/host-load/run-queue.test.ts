import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunnable, RunQueue, runQueueDescriptor } from './run-queue.js';

describe('parseRunnable', () => {
  it('takes the runnable count from the fourth field of /proc/loadavg', () => {
    expect(parseRunnable('0.52 0.58 0.59 3/412 12345\n')).toBe(3);
    expect(parseRunnable('12.00 8.00 4.00 57/1024 1')).toBe(57);
  });

  it('says nothing for text of another form', () => {
    for (const text of ['', '0.52 0.58 0.59', '0.52 0.58 0.59 x/412 1', '0.52 0.58 0.59 3 1', '0.5 0.5 0.5 -1/4 1']) {
      expect(parseRunnable(text)).toBeUndefined();
    }
  });
});

describe('RunQueue', () => {
  it.runIf(existsSync('/proc/loadavg'))('reads the host run queue, which holds at least the reading thread, through one shared descriptor', () => {
    const queue = new RunQueue(runQueueDescriptor());
    for (let i = 0; i < 3; i++) expect(queue.runnable()).toBeGreaterThanOrEqual(1);
    expect(runQueueDescriptor()).toBe(runQueueDescriptor());
  });

  it('reads its file again from the start for every sample', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-queue-'));
    const path = join(dir, 'loadavg');
    await writeFile(path, '1.00 1.00 1.00 2/100 7\n');
    const fd = openSync(path, 'r');
    try {
      const queue = new RunQueue(fd);
      expect(queue.runnable()).toBe(2);
      await writeFile(path, '1.00 1.00 1.00 9/100 7\n');
      expect(queue.runnable()).toBe(9);
    } finally {
      closeSync(fd);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says nothing without a descriptor, or with one that cannot be read', () => {
    expect(new RunQueue(undefined).runnable()).toBeUndefined();
    expect(new RunQueue(2 ** 30).runnable()).toBeUndefined();
  });
});

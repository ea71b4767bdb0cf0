import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunnable, RunQueue } from './run-queue.js';

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
  it.runIf(existsSync('/proc/loadavg'))('reads the host run queue, which holds at least the reading thread', () => {
    const queue = new RunQueue();
    for (let i = 0; i < 3; i++) expect(queue.runnable()).toBeGreaterThanOrEqual(1);
  });

  it.runIf(existsSync('/proc/self/fd'))('keeps no descriptor open between samples (a terminated VP thread would leak it)', () => {
    const queue = new RunQueue();
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 100; i++) queue.runnable();
    expect(readdirSync('/proc/self/fd').length).toBe(before);
  });

  it('reads its file again from the start for every sample', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-queue-'));
    try {
      const path = join(dir, 'loadavg');
      await writeFile(path, '1.00 1.00 1.00 2/100 7\n');
      const queue = new RunQueue(path);
      expect(queue.runnable()).toBe(2);
      await writeFile(path, '1.00 1.00 1.00 9/100 7\n');
      expect(queue.runnable()).toBe(9);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says nothing, and stops asking, where the file does not exist', () => {
    const queue = new RunQueue('/nonexistent/loadavg');
    expect(queue.runnable()).toBeUndefined();
    expect(queue.runnable()).toBeUndefined();
  });
});

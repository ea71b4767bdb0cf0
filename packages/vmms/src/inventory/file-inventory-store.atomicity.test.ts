import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileInventoryStore } from './file-inventory-store.js';
import { sampleVm } from './test-fixtures/sample-vm.js';

/** A fault to inject into the next rename; the real file system does everything else. */
const faults = vi.hoisted(() => ({ rename: undefined as Error | undefined, seenBeforeRename: [] as string[] }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return {
    ...actual,
    async rename(from: string, to: string) {
      const fault = faults.rename;
      if (fault === undefined) return actual.rename(from, to);
      faults.rename = undefined;
      faults.seenBeforeRename = await actual.readdir(join(to, '..'));
      throw fault;
    },
  };
});

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tsvisor-inventory-'));
});

afterEach(async () => {
  faults.rename = undefined;
  await rm(directory, { recursive: true, force: true });
});

describe('FileInventoryStore writes', () => {
  it('leave the previous file intact and no temp file when they fail mid-way', async () => {
    const store = new FileInventoryStore(directory);
    const vm = sampleVm();
    await store.put(vm);
    const before = await readFile(join(directory, `${vm.id}.json`), 'utf8');

    faults.rename = Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
    await expect(store.put({ ...vm, processors: 8, notes: 'the new version' })).rejects.toMatchObject({ code: 'EIO' });

    // The new content had been fully written to a temp file beside the target before the rename failed.
    expect(faults.seenBeforeRename).toHaveLength(2);
    expect(faults.seenBeforeRename.some((name) => /^.+\.json\.[0-9a-f]+\.tmp$/.test(name))).toBe(true);
    expect(await readFile(join(directory, `${vm.id}.json`), 'utf8')).toBe(before);
    expect(await readdir(directory)).toEqual([`${vm.id}.json`]);
    expect(await store.get(vm.id)).toEqual(vm);
  });

  it('go on after a failed one', async () => {
    const store = new FileInventoryStore(directory);
    const vm = sampleVm();
    faults.rename = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    const failed = store.put(vm);
    const next = store.put({ ...vm, processors: 3 });
    await expect(failed).rejects.toMatchObject({ code: 'ENOSPC' });
    await next;
    expect((await store.get(vm.id))?.processors).toBe(3);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A temporary directory for the test file's images, made before its tests and removed after; returns a path maker. */
export function scratchDirectory(): (name: string) => string {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tsvisor-vhdx-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });
  return (name) => join(directory, name);
}

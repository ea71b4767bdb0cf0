import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskIoError } from './disk-io-error.js';
import { DiskIoThread } from './disk-io-thread.js';
import { InlineIoPolicy } from './inline-io-policy.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-io-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every job on the I/O thread, or small ones on the caller's thread (the default mode). */
const MODES = [
  { mode: 'on its thread', policy: () => new InlineIoPolicy(0) },
  // A slow machine must not send these tests' jobs to the thread: a second counts as slow.
  { mode: 'inline', policy: () => new InlineIoPolicy(64 * 1024, 1000) },
];
let policy: () => InlineIoPolicy = () => new InlineIoPolicy();

/** A file of `size` bytes, byte i = i * 7 mod 256, opened with `flags`, with an I/O thread limited to `limit` bytes. */
async function fileWithThread(size: number, limit: number, flags = 'r+') {
  const path = join(dir, 'disk.img');
  await writeFile(path, Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff));
  const handle = await open(path, flags);
  const io = new DiskIoThread(path, handle.fd, limit, policy());
  return {
    path,
    io,
    close: async () => {
      await io.close();
      await handle.close();
    },
  };
}

describe.each(MODES)('a disk I/O thread, jobs $mode', ({ mode, policy: modePolicy }) => {
  beforeEach(() => {
    policy = modePolicy;
  });

  it('runs every job where the mode says', async () => {
    const { io, close } = await fileWithThread(8192, 8192);
    const memory = new Uint8Array(new SharedArrayBuffer(8192));
    try {
      await Promise.all([io.read(memory.subarray(0, 4096), 0), io.write(memory.subarray(4096), 4096)]);
      // Inline, the second job finds nothing in flight on the thread: it runs inline too.
      expect(io.inlineJobs).toBe(mode === 'inline' ? 2 : 0);
    } finally {
      await close();
    }
  });

  it('reads file bytes straight into guest memory, zeros past the end of the file', async () => {
    const { io, close } = await fileWithThread(8192, 16384);
    const memory = new Uint8Array(new SharedArrayBuffer(65536)).fill(0xee);
    try {
      const target = memory.subarray(4096, 4096 + 12288);
      expect(io.accepts(target)).toBe(true);
      await Promise.all([io.read(target.subarray(0, 4096), 0), io.read(target.subarray(4096), 4096)]);
      for (let i = 0; i < 8192; i++) expect(target[i]).toBe((i * 7) & 0xff);
      expect(target.subarray(8192).every((byte) => byte === 0)).toBe(true);
      expect(memory[4095]).toBe(0xee);
      expect(memory[4096 + 12288]).toBe(0xee);
    } finally {
      await close();
    }
  });

  it('writes guest memory to the file at the position asked', async () => {
    const { path, io, close } = await fileWithThread(8192, 8192);
    const memory = new Uint8Array(new SharedArrayBuffer(8192));
    memory.fill(0x42, 512, 1536);
    try {
      await io.write(memory.subarray(512, 1536), 2048);
    } finally {
      await close();
    }
    const file = await readFile(path);
    expect(file.subarray(2048, 3072).every((byte) => byte === 0x42)).toBe(true);
    expect(file[2047]).toBe((2047 * 7) & 0xff);
    expect(file[3072]).toBe((3072 * 7) & 0xff);
  });

  it('refuses, touching nothing, a job that would end past the file limit', async () => {
    const { path, io, close } = await fileWithThread(8192, 4096);
    const memory = new Uint8Array(new SharedArrayBuffer(8192)).fill(0x11);
    try {
      await expect(io.read(memory.subarray(0, 1024), 3584)).rejects.toBeInstanceOf(DiskIoError);
      await expect(io.write(memory.subarray(0, 1024), 3584)).rejects.toThrow(/outside guest memory or the file/);
      expect(memory.every((byte) => byte === 0x11)).toBe(true);
      // The thread goes on serving.
      await io.read(memory.subarray(0, 512), 0);
      expect(memory[1]).toBe(7);
    } finally {
      await close();
    }
    expect((await readFile(path))[4000]).toBe((4000 * 7) & 0xff);
  });

  it('fails a job whose system call fails with the errno, and serves the next', async () => {
    const { io, close } = await fileWithThread(8192, 8192, 'r');
    const memory = new Uint8Array(new SharedArrayBuffer(8192));
    try {
      const failure = await io.write(memory.subarray(0, 512), 0).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DiskIoError);
      expect((failure as DiskIoError).errno).toBeLessThan(0);
      await io.read(memory.subarray(0, 512), 512);
      expect(memory[0]).toBe((512 * 7) & 0xff);
    } finally {
      await close();
    }
  });

  it('accepts only views of the guest memory it started with, and nothing once closed', async () => {
    const { io, close } = await fileWithThread(4096, 4096);
    const memory = new Uint8Array(new SharedArrayBuffer(4096));
    try {
      expect(io.accepts(new Uint8Array(4096))).toBe(false);
      await io.read(memory.subarray(0, 512), 0);
      expect(io.accepts(new Uint8Array(new SharedArrayBuffer(4096)))).toBe(false);
      expect(io.accepts(memory.subarray(512, 1024))).toBe(true);
    } finally {
      await close();
    }
    expect(io.accepts(memory.subarray(512, 1024))).toBe(false);
  });
});

describe('inline jobs of a disk I/O thread', () => {
  it('go to the thread after slow ones in a row, then inline again; big ones always go to the thread', async () => {
    // Every inline job counts as slow: after two in a row, the next two go to the thread.
    policy = () => new InlineIoPolicy(4096, -1, 2, 2);
    const { io, close } = await fileWithThread(16384, 16384);
    const memory = new Uint8Array(new SharedArrayBuffer(16384));
    try {
      for (let i = 0; i < 4; i++) await io.read(memory.subarray(0, 512), 512 * i);
      expect(io.inlineJobs).toBe(2);
      expect(io.inlinePolicy.slowJobs).toBe(2);
      await io.read(memory.subarray(0, 8192), 0);
      expect(io.inlineJobs).toBe(2);
      expect(memory[8191]).toBe((8191 * 7) & 0xff);
    } finally {
      await close();
    }
  });

  it('do not run now once the thread is closing, whatever the view', async () => {
    policy = () => new InlineIoPolicy(4096, 1000);
    const { io, close } = await fileWithThread(16384, 16384);
    const plain = new Uint8Array(512);
    expect(io.readNow(plain, 512)).toBe(true);
    expect(plain[0]).toBe((512 * 7) & 0xff);
    const closing = io.close();
    expect(io.readNow(plain, 0)).toBe(false);
    expect(io.writeNow(plain, 0)).toBe(false);
    await closing;
    await close();
  });

  it('run now, without a promise, when they may; say so otherwise and leave the job to read or write', async () => {
    policy = () => new InlineIoPolicy(4096, 1000);
    const { io, close } = await fileWithThread(16384, 16384);
    const memory = new Uint8Array(new SharedArrayBuffer(16384));
    try {
      expect(io.readNow(memory.subarray(0, 4096), 4096)).toBe(true);
      expect(memory[10]).toBe(((4096 + 10) * 7) & 0xff);
      memory.fill(0xa5, 0, 512);
      expect(io.writeNow(memory.subarray(0, 512), 0)).toBe(true);
      // Bigger than the policy runs inline: nothing done, the caller submits it.
      expect(io.readNow(memory.subarray(0, 8192), 0)).toBe(false);
      expect(memory[600]).toBe(((4096 + 600) * 7) & 0xff);
      // While a job is on the thread, a small one may not overtake it.
      const big = io.read(memory.subarray(8192, 16384), 0);
      expect(io.readNow(memory.subarray(0, 512), 0)).toBe(false);
      expect(io.writeNow(memory.subarray(0, 512), 0)).toBe(false);
      await big;
      expect(memory.subarray(8192, 8704).every((byte) => byte === 0xa5)).toBe(true);
      expect(io.inlineJobs).toBe(2);
      // The thread's checks hold: a range beyond the file limit throws, nothing moves.
      expect(() => io.readNow(memory.subarray(0, 512), 16384)).toThrow(DiskIoError);
    } finally {
      await close();
    }
  });

  it('now, throw what the job would reject with: the errno of a failed system call', async () => {
    policy = () => new InlineIoPolicy(4096, 1000);
    const { io, close } = await fileWithThread(4096, 4096, 'r');
    const memory = new Uint8Array(new SharedArrayBuffer(4096));
    try {
      let failure: unknown;
      try {
        io.writeNow(memory.subarray(0, 512), 0);
      } catch (error) {
        failure = error;
      }
      // A file opened read-only: write(2) fails with EBADF.
      expect(failure).toBeInstanceOf(DiskIoError);
      expect((failure as DiskIoError).errno).toBeLessThan(0);
    } finally {
      await close();
    }
  });

  it('wait for the jobs in flight on the thread: jobs keep their order', async () => {
    policy = () => new InlineIoPolicy();
    const { path, io, close } = await fileWithThread(262144, 262144);
    const memory = new Uint8Array(new SharedArrayBuffer(262144));
    try {
      memory.fill(0x5a, 0, 131072);
      // A big write goes to the thread; the small read after it may not overtake it.
      const write = io.write(memory.subarray(0, 131072), 0);
      const read = io.read(memory.subarray(131072, 135168), 0);
      await Promise.all([write, read]);
      expect(io.inlineJobs).toBe(0);
      expect(memory.subarray(131072, 135168).every((byte) => byte === 0x5a)).toBe(true);
    } finally {
      await close();
    }
    expect((await readFile(path))[100]).toBe(0x5a);
  });
});

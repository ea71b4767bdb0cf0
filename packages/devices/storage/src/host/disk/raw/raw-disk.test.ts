import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskReadOnlyError } from '../disk-read-only-error.js';
import { RawDiskFormat } from './raw-disk-format.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-raw-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('raw disks', () => {
  const format = new RawDiskFormat();

  it('creates a sparse image of the size asked for, and reads and writes it byte for byte', async () => {
    const path = join(dir, 'a.img');
    await format.create(path, { sizeBytes: 1024 * 1024 });
    expect((await stat(path)).size).toBe(1024 * 1024);
    const disk = await format.open(path);
    expect(disk).toMatchObject({ format: 'raw', sizeBytes: 1024 * 1024, sectorSize: 512, readOnly: false });
    const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
    await disk.write(8192, data);
    await disk.flush();
    const back = new Uint8Array(4096);
    await disk.read(8192, back);
    expect(back).toEqual(data);
    await disk.unmap(8192, 1024);
    await disk.read(8192, back);
    expect(back.subarray(0, 1024)).toEqual(new Uint8Array(1024));
    expect(back.subarray(1024)).toEqual(data.subarray(1024));
    await disk.close();
    expect((await readFile(path)).subarray(8192 + 1024, 8192 + 4096)).toEqual(Buffer.from(data.subarray(1024)));
  });

  it('reads and writes straight into shared memory', async () => {
    const path = join(dir, 'shared.img');
    await format.create(path, { sizeBytes: 64 * 1024 });
    const disk = await format.open(path);
    const memory = new Uint8Array(new SharedArrayBuffer(8192));
    memory.fill(0x5a, 0, 4096);
    await disk.write(0, memory.subarray(0, 4096));
    await disk.read(0, memory.subarray(4096));
    expect(memory.subarray(4096)).toEqual(new Uint8Array(4096).fill(0x5a));
    await disk.close();
  });

  it('reads and writes now, checking the range and read-only first, whatever memory the buffer is in', async () => {
    const path = join(dir, 'now.img');
    await format.create(path, { sizeBytes: 64 * 1024 });
    const disk = await format.open(path);
    const memory = new Uint8Array(new SharedArrayBuffer(8192));
    memory.fill(0x6b, 0, 4096);
    expect(disk.writeNow!(4096, memory.subarray(0, 4096))).toBe(true);
    expect(disk.readNow!(4096, memory.subarray(4096))).toBe(true);
    expect(memory.subarray(4096)).toEqual(new Uint8Array(4096).fill(0x6b));
    // A buffer outside shared memory reads now as well: only the I/O thread needs guest memory.
    const plain = new Uint8Array(512);
    expect(disk.readNow!(4096, plain)).toBe(true);
    expect(plain).toEqual(new Uint8Array(512).fill(0x6b));
    expect(() => disk.readNow!(64 * 1024, memory.subarray(0, 512))).toThrow(RangeError);
    expect(() => disk.writeNow!(100, memory.subarray(0, 512))).toThrow(RangeError);
    await disk.close();
    expect((await readFile(path)).subarray(4096, 8192).every((byte) => byte === 0x6b)).toBe(true);
    const readOnly = await format.open(path, { readOnly: true });
    expect(() => readOnly.writeNow!(0, memory.subarray(0, 512))).toThrow(DiskReadOnlyError);
    await readOnly.close();
  });

  it('has every write to shared memory acknowledged before a flush in the file once the flush completes', async () => {
    const path = join(dir, 'ordered.img');
    await format.create(path, { sizeBytes: 64 * 1024 });
    const disk = await format.open(path);
    const memory = new Uint8Array(new SharedArrayBuffer(16 * 1024));
    for (let i = 0; i < 4; i++) memory.fill(0x10 + i, i * 4096, (i + 1) * 4096);
    await Promise.all([0, 1, 2, 3].map((i) => disk.write(i * 8192, memory.subarray(i * 4096, (i + 1) * 4096))));
    await disk.flush();
    const file = await readFile(path);
    for (let i = 0; i < 4; i++) expect(file.subarray(i * 8192, i * 8192 + 4096).every((byte) => byte === 0x10 + i)).toBe(true);
    await disk.close();
  });

  it('reads zeros into shared memory past the end of a file shorter than the disk', async () => {
    const path = join(dir, 'short.img');
    await writeFile(path, new Uint8Array(8192).fill(0x33));
    const disk = await format.open(path, { readOnly: true });
    // The file shrinks under the open disk: its size stays what it was.
    await writeFile(path, new Uint8Array(4096).fill(0x33));
    const memory = new Uint8Array(new SharedArrayBuffer(8192)).fill(0xee);
    await disk.read(0, memory);
    expect(memory.subarray(0, 4096).every((byte) => byte === 0x33)).toBe(true);
    expect(memory.subarray(4096).every((byte) => byte === 0)).toBe(true);
    await disk.close();
  });

  it('refuses ranges that are not whole sectors inside the disk, and writes to a read-only disk', async () => {
    const path = join(dir, 'b.img');
    await writeFile(path, new Uint8Array(4096 + 100));
    const disk = await format.open(path, { readOnly: true });
    expect(disk.sizeBytes).toBe(4096);
    await expect(disk.read(4096, new Uint8Array(512))).rejects.toThrow(RangeError);
    await expect(disk.read(100, new Uint8Array(512))).rejects.toThrow(RangeError);
    await expect(disk.read(0, new Uint8Array(100))).rejects.toThrow(RangeError);
    await expect(disk.read(-512, new Uint8Array(512))).rejects.toThrow(RangeError);
    await expect(disk.write(0, new Uint8Array(512))).rejects.toBeInstanceOf(DiskReadOnlyError);
    await expect(disk.unmap(0, 512)).rejects.toBeInstanceOf(DiskReadOnlyError);
    await disk.close();
    await expect(format.create(join(dir, 'c.img'), { sizeBytes: 1000 })).rejects.toThrow(RangeError);
    await expect(format.create(path, { sizeBytes: 4096 })).rejects.toMatchObject({ code: 'EEXIST' });
  });
});

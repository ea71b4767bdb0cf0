import { readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DiskReadOnlyError } from '../disk-read-only-error.js';
import { firstDifference, pattern } from './test-fixtures/bytes.js';
import { scratchDirectory } from './test-fixtures/scratch-directory.js';
import { VhdxDiskFormat } from './vhdx-disk-format.js';
import { VhdxFormatError } from './vhdx-format-error.js';
import { decodeVhdxHeader } from './vhdx-header.js';
import { VhdxLayout } from './vhdx-layout.js';

const MiB = 1024 * 1024;
const image = scratchDirectory();
const format = new VhdxDiskFormat();

/** Both header copies as they are in the file. */
async function headers(path: string) {
  const bytes = new Uint8Array(await readFile(path));
  return VhdxLayout.headerOffsets.map((offset, i) => decodeVhdxHeader(bytes.subarray(offset), i + 1, bytes.length));
}

describe('VHDX images', () => {
  it('probes by the "vhdxfile" identifier at offset 0', async () => {
    const path = image('probe.vhdx');
    await format.create(path, { sizeBytes: 4 * MiB });
    const head = (await readFile(path)).subarray(0, 64 * 1024);
    expect(format.probe(head)).toBe(true);
    expect(format.probe(new Uint8Array(64 * 1024))).toBe(false);
    expect(format.probe(head.subarray(0, 4))).toBe(false);
  });

  it.each([
    { kind: 'dynamic', fixed: false, sectorSize: 512 as const },
    { kind: 'dynamic', fixed: false, sectorSize: 4096 as const },
    { kind: 'fixed', fixed: true, sectorSize: 512 as const },
  ])('creates a $kind image with $sectorSize-byte sectors that reads zeros, then what was written', async ({ kind, fixed, sectorSize }) => {
    const path = image(`${kind}-${sectorSize}.vhdx`);
    await format.create(path, { sizeBytes: 10 * MiB + 4096, fixed, sectorSize, blockSizeBytes: 2 * MiB });
    const disk = await format.open(path);
    expect(disk).toMatchObject({ format: 'vhdx', sizeBytes: 10 * MiB + 4096, sectorSize, physicalSectorSize: sectorSize, readOnly: false });
    const whole = new Uint8Array(disk.sizeBytes);
    await disk.read(0, whole);
    expect(firstDifference(whole, new Uint8Array(whole.length))).toBe(-1);

    const writes = [
      { offset: 0, data: pattern(8192, 1) },
      { offset: 2 * MiB - 4096, data: pattern(3 * MiB, 2) }, // spans three blocks
      { offset: 10 * MiB, data: pattern(4096, 3) }, // the last, short block
    ];
    for (const { offset, data } of writes) {
      await disk.write(offset, data);
      whole.set(data, offset);
    }
    await disk.flush();
    const back = new Uint8Array(disk.sizeBytes);
    await disk.read(0, back);
    expect(firstDifference(back, whole)).toBe(-1);
    await disk.close();

    const reopened = await format.open(path, { readOnly: true });
    await reopened.read(0, back.fill(0xee));
    expect(firstDifference(back, whole)).toBe(-1);
    await reopened.close();
  });

  it('grows a dynamic image by whole 1 MiB-aligned blocks, and a fixed image not at all', async () => {
    const dynamic = image('growth.vhdx');
    await format.create(dynamic, { sizeBytes: 64 * MiB, blockSizeBytes: MiB });
    const before = (await stat(dynamic)).size;
    const disk = await format.open(dynamic);
    await disk.write(5 * MiB + 512, pattern(512, 4));
    await disk.write(5 * MiB + 4096, pattern(512, 5));
    await disk.close();
    expect((await stat(dynamic)).size).toBe(before + MiB);

    const fixed = image('growth-fixed.vhdx');
    await format.create(fixed, { sizeBytes: 8 * MiB, fixed: true, blockSizeBytes: MiB });
    const fixedSize = (await stat(fixed)).size;
    const fixedDisk = await format.open(fixed);
    await fixedDisk.write(MiB, pattern(4096, 6));
    await fixedDisk.close();
    expect((await stat(fixed)).size).toBe(fixedSize);
  });

  it('updates the write GUIDs in a new header, both copies, before the first write, and clears the log GUID on close', async () => {
    const path = image('guids.vhdx');
    await format.create(path, { sizeBytes: 4 * MiB, blockSizeBytes: MiB });
    const [created] = await headers(path);
    const disk = await format.open(path);
    await disk.read(0, new Uint8Array(512));
    expect((await headers(path))[0]).toEqual(created); // reading changes nothing
    await disk.write(0, pattern(512, 7));
    const writing = await headers(path);
    expect(writing[0]!.fileWriteGuid).not.toBe(created!.fileWriteGuid);
    expect(writing[0]!.dataWriteGuid).not.toBe(created!.dataWriteGuid);
    expect(writing[0]!.logGuid).not.toBe('00000000-0000-0000-0000-000000000000');
    expect(writing.map((header) => header.fileWriteGuid)).toEqual([writing[0]!.fileWriteGuid, writing[0]!.fileWriteGuid]);
    await disk.close();
    const closed = await headers(path);
    expect(closed.map((header) => header.logGuid)).toEqual(['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000']);
    expect(closed[0]!.dataWriteGuid).toBe(writing[0]!.dataWriteGuid);
    const sequences = closed.map((header) => header.sequenceNumber);
    expect(sequences[0]! > writing[0]!.sequenceNumber || sequences[1]! > writing[0]!.sequenceNumber).toBe(true);
  });

  it('unmaps whole blocks to zeros and writes zeros over parts of blocks', async () => {
    const path = image('unmap.vhdx');
    await format.create(path, { sizeBytes: 8 * MiB, blockSizeBytes: MiB });
    const disk = await format.open(path);
    const data = pattern(4 * MiB, 8);
    await disk.write(MiB, data);
    await disk.unmap(MiB + 512, 2 * MiB); // part of block 1, all of block 2, part of block 3
    const expected = new Uint8Array(8 * MiB);
    expected.set(data, MiB);
    expected.fill(0, MiB + 512, 3 * MiB + 512);
    const back = new Uint8Array(8 * MiB);
    await disk.read(0, back);
    expect(firstDifference(back, expected)).toBe(-1);
    // The unmapped block keeps its space: writing it again reuses it, zero-filled around the write.
    const size = (await stat(path)).size;
    await disk.write(2 * MiB + 4096, pattern(512, 9));
    expected.set(pattern(512, 9), 2 * MiB + 4096);
    await disk.read(0, back);
    expect(firstDifference(back, expected)).toBe(-1);
    expect((await stat(path)).size).toBe(size);
    await disk.close();
  });

  it('refuses ranges that are not whole sectors inside the disk, and changes to a read-only disk', async () => {
    const path = image('ranges.vhdx');
    await format.create(path, { sizeBytes: 4 * MiB, sectorSize: 4096 });
    const disk = await format.open(path, { readOnly: true });
    await expect(disk.read(4 * MiB, new Uint8Array(4096))).rejects.toThrow(RangeError);
    await expect(disk.read(512, new Uint8Array(4096))).rejects.toThrow(RangeError);
    await expect(disk.read(0, new Uint8Array(512))).rejects.toThrow(RangeError);
    await expect(disk.write(0, new Uint8Array(4096))).rejects.toBeInstanceOf(DiskReadOnlyError);
    await expect(disk.unmap(0, 4096)).rejects.toBeInstanceOf(DiskReadOnlyError);
    await disk.close();
  });

  it('refuses bad creation options and existing files', async () => {
    const path = image('options.vhdx');
    await expect(format.create(path, { sizeBytes: 1000 })).rejects.toThrow(RangeError);
    await expect(format.create(path, { sizeBytes: MiB, blockSizeBytes: 3 * MiB })).rejects.toThrow(/blockSizeBytes/);
    await expect(format.create(path, { sizeBytes: 128 * 1024 ** 4 })).rejects.toThrow(/64 TiB/);
    await format.create(path, { sizeBytes: MiB });
    await expect(format.create(path, { sizeBytes: MiB })).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('refuses files that are not VHDX with a VhdxFormatError naming the file identifier', async () => {
    const path = image('not.vhdx');
    await writeFile(path, new Uint8Array(2 * MiB));
    await expect(format.open(path)).rejects.toMatchObject({ name: 'VhdxFormatError', structure: 'file identifier', field: 'signature' });
    await expect(format.open(path)).rejects.toBeInstanceOf(VhdxFormatError);
  });

  it('serves reads and writes straight from and into shared memory, concurrently', async () => {
    const path = image('shared.vhdx');
    await format.create(path, { sizeBytes: 8 * MiB, blockSizeBytes: MiB });
    const disk = await format.open(path);
    const memory = new Uint8Array(new SharedArrayBuffer(8 * 4096));
    for (let i = 0; i < 4; i++) memory.fill(i + 1, i * 4096, (i + 1) * 4096);
    // Two writes to the same unallocated block at once must not allocate it twice.
    await Promise.all([0, 1, 2, 3].map((i) => disk.write(3 * MiB + i * 4096, memory.subarray(i * 4096, (i + 1) * 4096))));
    await disk.read(3 * MiB, memory.subarray(4 * 4096));
    expect(memory.subarray(4 * 4096)).toEqual(memory.subarray(0, 4 * 4096));
    await disk.close();
    expect((await stat(path)).size).toBe(4 * MiB + MiB); // the header area, log, metadata, BAT and one block
    // Now, without a promise, on a fresh open (whose I/O thread has run no job that could have
    // been slow and sent the next ones to the thread): an allocated block from the file, an
    // unallocated one as zeros.
    const again = await format.open(path);
    memory.fill(0xee, 4 * 4096);
    expect(again.readNow!(3 * MiB + 4096, memory.subarray(4 * 4096, 5 * 4096))).toBe(true);
    expect(memory.subarray(4 * 4096, 5 * 4096)).toEqual(new Uint8Array(4096).fill(2));
    expect(again.readNow!(5 * MiB, memory.subarray(5 * 4096, 6 * 4096))).toBe(true);
    expect(memory.subarray(5 * 4096, 6 * 4096)).toEqual(new Uint8Array(4096));
    // Across two blocks: left to the promise, nothing read.
    expect(again.readNow!(4 * MiB - 4096, memory.subarray(6 * 4096, 8 * 4096))).toBe(false);
    expect(memory.subarray(6 * 4096)).toEqual(new Uint8Array(2 * 4096).fill(0xee));
    expect(() => again.readNow!(8 * MiB, memory.subarray(0, 512))).toThrow(RangeError);
    await again.close();
  });
});

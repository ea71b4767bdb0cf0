import { copyFile, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstDifference, pattern } from './test-fixtures/bytes.js';
import { scratchDirectory } from './test-fixtures/scratch-directory.js';
import { VhdxDiskFormat } from './vhdx-disk-format.js';
import { VhdxFormatError } from './vhdx-format-error.js';

const MiB = 1024 * 1024;
const SIZE = 8 * MiB;
const image = scratchDirectory();
const format = new VhdxDiskFormat();

async function readAll(path: string): Promise<Uint8Array> {
  const disk = await format.open(path, { readOnly: true });
  const bytes = new Uint8Array(disk.sizeBytes);
  await disk.read(0, bytes);
  await disk.close();
  return bytes;
}

/** A base image with data in blocks 1 and 2 (1 MiB blocks); returns its contents. */
async function makeBase(path: string): Promise<Uint8Array> {
  await format.create(path, { sizeBytes: SIZE, blockSizeBytes: MiB });
  const disk = await format.open(path);
  const contents = new Uint8Array(SIZE);
  contents.set(pattern(2 * MiB, 1), MiB);
  await disk.write(MiB, contents.subarray(MiB, 3 * MiB));
  await disk.close();
  return contents;
}

describe('differencing VHDX images', () => {
  it('read their parent where they hold nothing, and their own sectors where they were written', async () => {
    const base = image('base.vhdx');
    const child = image('child.vhdx');
    const expected = await makeBase(base);
    await format.create(child, { sizeBytes: SIZE, parent: base, blockSizeBytes: MiB });
    expect(firstDifference(await readAll(child), expected)).toBe(-1);

    const disk = await format.open(child);
    const writes: [number, Uint8Array][] = [
      [MiB + 4096, pattern(8192, 2)], // part of a block the parent has: partially present
      [2 * MiB + 512 * 7, pattern(512, 3)], // an odd sector of another
      [4 * MiB, pattern(MiB, 4)], // a whole block: fully present
      [6 * MiB + 512, pattern(1024, 5)], // part of a block no one has
      [MiB + 4096 + 8192, pattern(512, 6)], // next to the first write, same block again
    ];
    for (const [offset, data] of writes) {
      await disk.write(offset, data);
      expected.set(data, offset);
    }
    const back = new Uint8Array(SIZE);
    await disk.read(0, back);
    expect(firstDifference(back, expected)).toBe(-1);
    // Now, without a promise, only from a block the child holds whole; the parent's blocks and
    // partially present ones go through the promise.
    const memory = new Uint8Array(new SharedArrayBuffer(4096));
    expect(disk.readNow!(4 * MiB + 8192, memory)).toBe(true);
    expect(memory).toEqual(expected.subarray(4 * MiB + 8192, 4 * MiB + 12288));
    expect(disk.readNow!(MiB + 4096, memory)).toBe(false);
    expect(disk.readNow!(2 * MiB + 8192, memory)).toBe(false);
    expect(disk.readNow!(7 * MiB, memory)).toBe(false);
    await disk.close();
    expect(firstDifference(await readAll(child), expected)).toBe(-1);
    expect(firstDifference(await readAll(base), await makeBase(image('base-again.vhdx')))).toBe(-1);
  });

  it('unmap whole blocks to zeros rather than back to the parent', async () => {
    const base = image('unmap-base.vhdx');
    const child = image('unmap-child.vhdx');
    const expected = await makeBase(base);
    await format.create(child, { sizeBytes: SIZE, parent: base, blockSizeBytes: MiB });
    const disk = await format.open(child);
    await disk.unmap(MiB, MiB + 4096);
    expected.fill(0, MiB, 2 * MiB + 4096);
    const back = new Uint8Array(SIZE);
    await disk.read(0, back);
    expect(firstDifference(back, expected)).toBe(-1);
    await disk.close();
  });

  it('find their parent by relative path when both move, and chain through several generations', async () => {
    const base = image('chain/base.vhdx');
    await mkdir(dirname(base));
    const expected = await makeBase(base);
    const middle = image('chain/middle.vhdx');
    await format.create(middle, { sizeBytes: SIZE, parent: base, blockSizeBytes: 2 * MiB });
    const disk = await format.open(middle);
    await disk.write(0, pattern(4096, 7));
    expected.set(pattern(4096, 7), 0);
    await disk.close();
    const top = image('chain/top.vhdx');
    await format.create(top, { sizeBytes: SIZE, parent: middle });
    await rename(dirname(base), image('moved'));
    expect(firstDifference(await readAll(image('moved/top.vhdx')), expected)).toBe(-1);
  });

  it('refuse a parent whose data changed since the child was made, naming parent_linkage', async () => {
    const base = image('linkage-base.vhdx');
    const child = image('linkage-child.vhdx');
    await makeBase(base);
    await format.create(child, { sizeBytes: SIZE, parent: base, blockSizeBytes: MiB });
    const parent = await format.open(base);
    await parent.write(0, pattern(512, 8));
    await parent.close();
    await expect(format.open(child)).rejects.toMatchObject({ structure: 'parent locator', field: 'parent_linkage' });
  });

  it('refuse a chain of parents that loops, or a parent that is missing', async () => {
    const base = image('loop/base.vhdx');
    await mkdir(dirname(base));
    await makeBase(base);
    const child = join(dirname(base), 'child.vhdx');
    await format.create(child, { sizeBytes: SIZE, parent: base, blockSizeBytes: MiB });
    await rename(base, join(dirname(base), 'gone.vhdx'));
    await expect(format.open(child)).rejects.toMatchObject({ structure: 'parent locator', field: 'relative_path' });
    await copyFile(child, base); // base.vhdx now names itself as its parent
    await expect(format.open(child)).rejects.toThrow(VhdxFormatError);
    await expect(format.open(child)).rejects.toThrow(/chain of parents/);
  });

  it('refuse to be made fixed, or of another size than their parent', async () => {
    const base = image('options-base.vhdx');
    await makeBase(base);
    await expect(format.create(image('c1.vhdx'), { sizeBytes: SIZE, parent: base, fixed: true })).rejects.toThrow(RangeError);
    await expect(format.create(image('c2.vhdx'), { sizeBytes: 2 * SIZE, parent: base })).rejects.toThrow(RangeError);
  });
});

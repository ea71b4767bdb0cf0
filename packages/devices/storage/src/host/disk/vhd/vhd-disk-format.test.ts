import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskReadOnlyError } from '../disk-read-only-error.js';
import { fixVhdChecksums } from './test-fixtures/vhd-image-patch.js';
import { VhdDiskFormat } from './vhd-disk-format.js';
import { VhdFormatError } from './vhd-format-error.js';
import { VhdUnsupportedError } from './vhd-unsupported-error.js';

const MiB = 1024 * 1024;
/** A new 10 MiB dynamic image: footer copy, header, a 5-entry BAT padded to 512 bytes, footer. */
const EMPTY_DYNAMIC_SIZE = 512 + 1024 + 512 + 512;
/** Where the first block of a new 2 MiB-block image goes, and how long it is with its bitmap. */
const FIRST_BLOCK = 2048;
const BLOCK_SPAN = 512 + 2 * MiB;

let dir: string;
let serial = 0;
const format = new VhdDiskFormat();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-vhd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function imagePath(): string {
  return join(dir, `image-${serial++}.vhd`);
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >> 9)) & 0xff);
}

async function readDisk(path: string, offset: number, length: number): Promise<Uint8Array> {
  const disk = await format.open(path, { readOnly: true });
  const bytes = new Uint8Array(length);
  await disk.read(offset, bytes);
  await disk.close();
  return bytes;
}

/** Where two byte arrays first differ (-1 if equal): large arrays are compared without a diff. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

/** Rewrites an image file after `change` edits its bytes, checksums fixed. */
async function patchImage(path: string, change: (view: DataView, image: Uint8Array) => void, fixChecksums = true): Promise<void> {
  const image = new Uint8Array(await readFile(path));
  change(new DataView(image.buffer, image.byteOffset, image.byteLength), image);
  if (fixChecksums) fixVhdChecksums(image);
  await writeFile(path, image);
}

describe('dynamic VHDs', () => {
  it('are created with a footer copy, a dynamic header, an all-unallocated BAT and a footer, and read as zeros', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 10 * MiB });
    const image = await readFile(path);
    expect(image.length).toBe(EMPTY_DYNAMIC_SIZE);
    expect(image.subarray(0, 8).toString('latin1')).toBe('conectix');
    expect(image.subarray(512, 520).toString('latin1')).toBe('cxsparse');
    expect(image.subarray(1536, 1536 + 20)).toEqual(Buffer.alloc(20, 0xff));
    expect(image.subarray(-512)).toEqual(image.subarray(0, 512));
    const disk = await format.open(path);
    expect(disk).toMatchObject({ format: 'vhd', sizeBytes: 10 * MiB, sectorSize: 512, physicalSectorSize: 512, readOnly: false });
    const bytes = new Uint8Array(MiB).fill(1);
    await disk.read(9 * MiB, bytes);
    expect(bytes.every((b) => b === 0)).toBe(true);
    await disk.close();
  });

  it('appends a block on its first write, points its BAT entry at it and moves the footer after it', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 10 * MiB });
    const disk = await format.open(path);
    const data = pattern(4096, 1);
    await disk.write(3 * MiB, data); // block 1, 1 MiB in
    await disk.close();
    const image = await readFile(path);
    expect(image.length).toBe(FIRST_BLOCK + BLOCK_SPAN + 512);
    expect(image.readUInt32BE(1536)).toBe(0xffff_ffff);
    expect(image.readUInt32BE(1536 + 4)).toBe(FIRST_BLOCK / 512);
    expect(image.subarray(FIRST_BLOCK, FIRST_BLOCK + 512)).toEqual(Buffer.alloc(512, 0xff));
    expect(image.subarray(FIRST_BLOCK + 512 + MiB, FIRST_BLOCK + 512 + MiB + 4096)).toEqual(Buffer.from(data));
    expect(image.subarray(-512)).toEqual(image.subarray(0, 512));
    const back = await readDisk(path, 2 * MiB, 2 * MiB);
    expect(back.subarray(MiB, MiB + 4096)).toEqual(data);
    expect(back.subarray(0, MiB).every((b) => b === 0)).toBe(true);
    expect(back.subarray(MiB + 4096).every((b) => b === 0)).toBe(true);
  });

  it('reads back writes that cross block boundaries, after reopening too', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 16 * MiB, blockSizeBytes: 512 * 1024 });
    const model = new Uint8Array(16 * MiB);
    const disk = await format.open(path);
    const writes = [
      [512 * 1024 - 1024, 3000 - (3000 % 512)],
      [5 * MiB - 512, MiB + 1024],
      [0, 512],
      [16 * MiB - 4096, 4096],
      [5 * MiB, 2048],
    ] as const;
    for (const [i, [offset, length]] of writes.entries()) {
      const data = pattern(length, i + 10);
      await disk.write(offset, data);
      model.set(data, offset);
    }
    const back = new Uint8Array(16 * MiB);
    await disk.read(0, back);
    expect(firstDifference(back, model)).toBe(-1);
    await disk.close();
    expect(firstDifference(await readDisk(path, 0, 16 * MiB), model)).toBe(-1);
  });

  it('allocates a block once when concurrent writes race for it', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 4 * MiB });
    const disk = await format.open(path);
    const parts = Array.from({ length: 8 }, (_, i) => pattern(4096, i));
    await Promise.all(parts.map((part, i) => disk.write(i * 64 * 1024, part)));
    await disk.close();
    expect((await stat(path)).size).toBe(FIRST_BLOCK + BLOCK_SPAN + 512);
    const back = await readDisk(path, 0, 8 * 64 * 1024);
    parts.forEach((part, i) => expect(back.subarray(i * 64 * 1024, i * 64 * 1024 + 4096)).toEqual(part));
  });

  it('reads sectors whose bitmap bit is clear as zeros, and sets the bits of the sectors it writes', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 4 * MiB });
    let disk = await format.open(path);
    await disk.write(0, new Uint8Array(8 * 512).fill(0xab));
    await disk.close();
    // Sectors 1, 2 and 3 of block 0 absent, as another writer may leave them.
    await patchImage(path, (view) => view.setUint8(FIRST_BLOCK, 0b1000_1111), false);
    let back = await readDisk(path, 0, 8 * 512);
    const expected = new Uint8Array(8 * 512).fill(0xab);
    expected.fill(0, 512, 4 * 512);
    expect(back).toEqual(expected);

    disk = await format.open(path);
    await disk.write(2 * 512, new Uint8Array(512).fill(0xcd));
    await disk.close();
    expect((await readFile(path))[FIRST_BLOCK]).toBe(0b1010_1111);
    back = await readDisk(path, 0, 8 * 512);
    expected.fill(0xcd, 2 * 512, 3 * 512);
    expect(back).toEqual(expected);
  });

  it('unmaps by writing zeros over allocated blocks, allocating nothing', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 8 * MiB });
    const disk = await format.open(path);
    await disk.write(0, new Uint8Array(8192).fill(0x77));
    await disk.unmap(4096, 2 * MiB); // the rest of block 0 and unallocated block 1
    const back = new Uint8Array(8192);
    await disk.read(0, back);
    expect(back.subarray(0, 4096).every((b) => b === 0x77)).toBe(true);
    expect(back.subarray(4096).every((b) => b === 0)).toBe(true);
    await disk.close();
    expect((await stat(path)).size).toBe(FIRST_BLOCK + BLOCK_SPAN + 512);
  });

  it('zero-fills a block allocated over what an interrupted allocation left, and ends the file with the footer', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 8 * MiB });
    // A crash after moving the footer but before the BAT entry: garbage, then the footer.
    await patchImage(path, () => undefined);
    const image = await readFile(path);
    const footer = image.subarray(-512);
    await truncate(path, image.length - 512);
    await appendFile(path, new Uint8Array(BLOCK_SPAN + 4096).fill(0xee));
    await appendFile(path, footer);
    const disk = await format.open(path);
    await disk.write(MiB, new Uint8Array(512).fill(0x11));
    await disk.close();
    const after = await readFile(path);
    expect(after.length).toBe(FIRST_BLOCK + BLOCK_SPAN + 512);
    expect(after.subarray(-512)).toEqual(footer);
    const back = await readDisk(path, 0, 2 * MiB);
    const expected = new Uint8Array(2 * MiB);
    expected.fill(0x11, MiB, MiB + 512);
    expect(firstDifference(back, expected)).toBe(-1);
  });

  it('opens an image whose trailing footer was lost from the footer copy, and puts the footer back', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 8 * MiB });
    let disk = await format.open(path);
    await disk.write(0, new Uint8Array(512).fill(0x22));
    await disk.close();
    // As qemu leaves a file that crashed while appending a block: its bitmap, no footer.
    await truncate(path, FIRST_BLOCK + BLOCK_SPAN);
    await appendFile(path, new Uint8Array(512).fill(0xff));
    expect((await readDisk(path, 0, 512)).every((b) => b === 0x22)).toBe(true);
    disk = await format.open(path);
    await disk.close();
    const image = await readFile(path);
    expect(image.length).toBe(FIRST_BLOCK + BLOCK_SPAN + 512);
    expect(image.subarray(-512)).toEqual(image.subarray(0, 512));
  });
});

describe('fixed VHDs', () => {
  it('are the disk then a footer, which writes never reach', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: MiB, fixed: true });
    const image = await readFile(path);
    expect(image.length).toBe(MiB + 512);
    const footer = image.subarray(MiB);
    expect(footer.subarray(0, 8).toString('latin1')).toBe('conectix');
    expect(footer.readUInt32BE(60)).toBe(2);
    const disk = await format.open(path);
    expect(disk).toMatchObject({ format: 'vhd', sizeBytes: MiB, readOnly: false });
    await disk.write(MiB - 512, new Uint8Array(512).fill(0x33));
    await expect(disk.write(MiB, new Uint8Array(512))).rejects.toThrow(RangeError);
    await disk.unmap(MiB - 512, 512);
    await disk.write(0, new Uint8Array(512).fill(0x44));
    await disk.close();
    const after = await readFile(path);
    expect(after.subarray(MiB)).toEqual(footer);
    expect(after.subarray(0, 512)).toEqual(Buffer.alloc(512, 0x44));
    expect(after.subarray(MiB - 512, MiB)).toEqual(Buffer.alloc(512));
  });
});

describe('VHD refusals', () => {
  it('refuses differencing images, on open and on create', async () => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 4 * MiB });
    await patchImage(path, (view, image) => {
      view.setUint32(60, 4);
      view.setUint32(image.length - 512 + 60, 4);
    });
    await expect(format.open(path)).rejects.toThrow(new VhdUnsupportedError(path, 'differencing VHDs'));
    await expect(format.create(imagePath(), { sizeBytes: MiB, parent: path })).rejects.toBeInstanceOf(VhdUnsupportedError);
  });

  it('refuses sizes that are not whole sectors up to 2040 GiB, 4096-byte sectors, bad block sizes and existing files', async () => {
    await expect(format.create(imagePath(), { sizeBytes: 1000 })).rejects.toThrow(RangeError);
    await expect(format.create(imagePath(), { sizeBytes: 0 })).rejects.toThrow(RangeError);
    await expect(format.create(imagePath(), { sizeBytes: 2041 * 1024 * MiB })).rejects.toThrow(RangeError);
    await expect(format.create(imagePath(), { sizeBytes: MiB, sectorSize: 4096 })).rejects.toThrow(RangeError);
    await expect(format.create(imagePath(), { sizeBytes: MiB, blockSizeBytes: 3 * MiB })).rejects.toThrow(RangeError);
    await expect(format.create(imagePath(), { sizeBytes: MiB, blockSizeBytes: 256 * 1024 })).rejects.toThrow(RangeError);
    const path = imagePath();
    await format.create(path, { sizeBytes: MiB });
    await expect(format.create(path, { sizeBytes: MiB, fixed: true })).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('opens read-only disks that refuse writes and unmaps', async () => {
    for (const fixed of [false, true]) {
      const path = imagePath();
      await format.create(path, { sizeBytes: MiB, fixed });
      const disk = await format.open(path, { readOnly: true });
      expect(disk.readOnly).toBe(true);
      await expect(disk.write(0, new Uint8Array(512))).rejects.toBeInstanceOf(DiskReadOnlyError);
      await expect(disk.unmap(0, 512)).rejects.toBeInstanceOf(DiskReadOnlyError);
      await expect(disk.read(MiB, new Uint8Array(512))).rejects.toThrow(RangeError);
      await disk.close();
    }
  });
});

describe('VHD validation', () => {
  interface Corruption {
    readonly field: string;
    readonly fixed: boolean;
    readonly change: (view: DataView, image: Uint8Array) => void;
    /** False to leave the checksums as the change left them. */
    readonly fixChecksums?: boolean;
  }
  const corruption = (field: string, fixed: boolean, change: Corruption['change'], fixChecksums = true): Corruption => ({ field, fixed, change, fixChecksums });
  const tail = (image: Uint8Array): number => image.length - 512;
  const corruptions: readonly Corruption[] = [
    corruption('footer.cookie', true, (view, image) => view.setUint8(tail(image), 0x43)),
    corruption('footer.checksum', true, (view, image) => view.setUint8(tail(image) + 100, 1), false),
    corruption('footer.fileFormatVersion', true, (view, image) => view.setUint32(tail(image) + 12, 0x0002_0000)),
    corruption('footer.diskType', true, (view, image) => view.setUint32(tail(image) + 60, 5)),
    corruption('footer.dataOffset', true, (view, image) => view.setBigUint64(tail(image) + 16, 512n)),
    corruption('footer.currentSize', true, (view, image) => view.setBigUint64(tail(image) + 48, BigInt(8 * MiB))),
    corruption('footer.currentSize', false, (view, image) => view.setBigUint64(tail(image) + 48, 1000n)),
    corruption('footer.dataOffset', false, (view, image) => view.setBigUint64(tail(image) + 16, BigInt(image.length))),
    corruption('dynamicHeader.cookie', false, (view) => view.setUint8(512, 0)),
    corruption('dynamicHeader.checksum', false, (view) => view.setUint8(512 + 100, 1), false),
    corruption('dynamicHeader.blockSize', false, (view) => view.setUint32(512 + 32, 3 * MiB)),
    corruption('dynamicHeader.blockSize', false, (view) => view.setUint32(512 + 32, 4096)),
    corruption('dynamicHeader.maxTableEntries', false, (view) => view.setUint32(512 + 28, 1)),
    corruption('dynamicHeader.tableOffset', false, (view) => view.setBigUint64(512 + 16, 1n << 40n)),
    corruption('dynamicHeader.tableOffset', false, (view) => view.setBigUint64(512 + 16, 1024n)),
    corruption('bat[1]', false, (view) => view.setUint32(1536 + 4, 0x00ff_0000)),
    corruption('bat[1]', false, (view) => view.setUint32(1536 + 4, FIRST_BLOCK / 512 + 1)),
    corruption('bat[0]', false, (view) => view.setUint32(1536, 2)),
  ];

  it.each(corruptions)('names $field when it is wrong (fixed: $fixed)', async ({ field, fixed, change, fixChecksums }) => {
    const path = imagePath();
    await format.create(path, { sizeBytes: 4 * MiB, fixed });
    if (!fixed) {
      const disk = await format.open(path);
      await disk.write(0, new Uint8Array(512).fill(1));
      await disk.write(2 * MiB, new Uint8Array(512).fill(2));
      await disk.close();
    }
    // The footer copy must not rescue a dynamic image whose trailing footer is broken.
    await patchImage(path, (view, image) => {
      change(view, image);
      if (!fixed && field.startsWith('footer')) image.copyWithin(0, tail(image), image.length);
    }, fixChecksums);
    const error = await format.open(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VhdFormatError);
    expect(error).toMatchObject({ field, path });
  });

  it('refuses a file too short to hold a footer', async () => {
    const path = imagePath();
    await writeFile(path, new Uint8Array(100));
    await expect(format.open(path)).rejects.toMatchObject({ name: 'VhdFormatError', field: 'footer' });
  });
});

describe('VHD probing', () => {
  it('recognizes the cookie in the last 512 bytes or, for dynamic images, the first', async () => {
    const fixedPath = imagePath();
    await format.create(fixedPath, { sizeBytes: MiB, fixed: true });
    const fixed = await readFile(fixedPath);
    expect(format.probe(fixed.subarray(0, 64 * 1024), fixed.subarray(-512))).toBe(true);
    const dynamicPath = imagePath();
    await format.create(dynamicPath, { sizeBytes: MiB });
    const dynamic = await readFile(dynamicPath);
    expect(format.probe(dynamic.subarray(0, 64 * 1024), new Uint8Array(512))).toBe(true);
    expect(format.probe(new Uint8Array(64 * 1024), new Uint8Array(512))).toBe(false);
    expect(format.probe(dynamic.subarray(0, 8), dynamic.subarray(0, 8))).toBe(false);
  });
});

import { open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskFormatRegistry } from '../disk/disk-format-registry.js';
import { RawDiskFormat } from '../disk/raw/raw-disk-format.js';
import { VhdDiskFormat } from '../disk/vhd/vhd-disk-format.js';
import { VhdxDiskFormat } from '../disk/vhdx/vhdx-disk-format.js';
import { qemuImg } from '../disk/vhdx/test-fixtures/qemu.js';
import { scratchDirectory } from '../disk/vhdx/test-fixtures/scratch-directory.js';
import { DiskImageExistsError } from './disk-image-exists-error.js';
import { DiskImageService } from './disk-image-service.js';

const MiB = 1024 * 1024;
const service = new DiskImageService(new DiskFormatRegistry([new VhdxDiskFormat(), new VhdDiskFormat(), new RawDiskFormat()]));
const path = scratchDirectory();
const never = new AbortController().signal;
/** Progress nobody watches. */
const unwatched = (fraction: number): void => void fraction;

/** A raw image of `sizeBytes` with a recognizable pattern in a few places and zeros elsewhere. */
async function patternedRaw(name: string, sizeBytes: number): Promise<string> {
  const file = path(name);
  await service.create(file, { format: 'raw', sizeBytes });
  const handle = await open(file, 'r+');
  try {
    for (const offset of [0, 3 * MiB + 512, sizeBytes - 4096]) {
      const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (offset / 512 + i) % 251);
      await handle.write(bytes, 0, bytes.length, offset);
    }
  } finally {
    await handle.close();
  }
  return file;
}

describe('DiskImageService', () => {
  it('offers the formats of its registry, raw last', () => {
    expect(service.formats()).toEqual(['vhdx', 'vhd', 'raw']);
  });

  it.each([
    { format: 'raw', fixed: false, expected: { fixed: true, fileSize: 8 * MiB } },
    { format: 'vhd', fixed: false, expected: { fixed: false } },
    { format: 'vhd', fixed: true, expected: { fixed: true, fileSize: 8 * MiB + 512 } },
    { format: 'vhdx', fixed: false, expected: { fixed: false } },
    { format: 'vhdx', fixed: true, expected: { fixed: true } },
  ])('creates a $format image (fixed: $fixed) and describes it from its content', async ({ format, fixed, expected }) => {
    const file = path(`created-${fixed ? 'fixed' : 'dynamic'}.${format}`);
    const created = await service.create(file, { format, sizeBytes: 8 * MiB, fixed });
    expect(created).toMatchObject({ path: file, format, virtualSize: 8 * MiB, sectorSize: 512, ...expected });
    expect(created.fileSize).toBe((await stat(file)).size);
    expect(await service.info(file)).toEqual(created);
  });

  it('creates a differencing VHDX and names its parent', async () => {
    const base = path('base.vhdx');
    await service.create(base, { format: 'vhdx', sizeBytes: 4 * MiB });
    const child = await service.create(path('child.vhdx'), { format: 'vhdx', sizeBytes: 4 * MiB, parent: base, blockSizeBytes: 2 * MiB });
    expect(child).toMatchObject({ format: 'vhdx', fixed: false, blockSize: 2 * MiB, parent: base });
  });

  it('refuses to create over an existing file', async () => {
    const file = path('existing.raw');
    await writeFile(file, 'keep me');
    await expect(service.create(file, { format: 'vhdx', sizeBytes: MiB })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(file, 'utf8')).toBe('keep me');
  });

  it('names the known formats when asked for another', async () => {
    await expect(service.create(path('x.qcow2'), { format: 'qcow2', sizeBytes: MiB })).rejects.toThrow(/unknown disk format "qcow2"; known: vhdx, vhd, raw/);
  });

  it('converts raw → vhdx → vhd → raw byte for byte, reporting progress up to 1', async () => {
    const size = 12 * MiB;
    const original = await patternedRaw('round-trip.raw', size);
    const fractions: number[] = [];
    const vhdx = await service.convert(original, path('round-trip.vhdx'), { to: 'vhdx' }, (fraction) => fractions.push(fraction), never);
    expect(vhdx).toMatchObject({ format: 'vhdx', virtualSize: size, fixed: false, blockSize: 32 * MiB });
    // The data lies in the first block: only it was allocated, after the 4 MiB of header, log, metadata and BAT.
    expect(vhdx.fileSize).toBe(4 * MiB + 32 * MiB);
    expect(fractions.length).toBeGreaterThan(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);

    const vhd = await service.convert(path('round-trip.vhdx'), path('round-trip.vhd'), { to: 'vhd' }, unwatched, never);
    expect(vhd).toMatchObject({ format: 'vhd', virtualSize: size, fixed: false, blockSize: 2 * MiB });
    // Three of the six 2 MiB blocks hold data; the all-zero ones stayed unallocated.
    expect(vhd.fileSize).toBeLessThan(4 * 2 * MiB);
    const back = await service.convert(path('round-trip.vhd'), path('round-trip-back.raw'), { to: 'raw' }, unwatched, never);
    expect(back).toMatchObject({ format: 'raw', virtualSize: size, fileSize: size });
    expect(Buffer.compare(await readFile(original), await readFile(path('round-trip-back.raw')))).toBe(0);
  });

  it('makes VHDX images that qemu-img checks clean and reads as the same disk', async () => {
    const original = await patternedRaw('interop.raw', 6 * MiB);
    const converted = path('interop.vhdx');
    await service.convert(original, converted, { to: 'vhdx' }, unwatched, never);
    expect(await qemuImg('check', '-f', 'vhdx', converted)).toMatch(/No errors were found/);
    expect(await qemuImg('compare', '-f', 'raw', '-F', 'vhdx', original, converted)).toMatch(/Images are identical/);
  });

  it('converts to a fixed image', async () => {
    const original = await patternedRaw('to-fixed.raw', 4 * MiB);
    const fixed = await service.convert(original, path('to-fixed.vhdx'), { to: 'vhdx', fixed: true }, unwatched, never);
    expect(fixed).toMatchObject({ format: 'vhdx', virtualSize: 4 * MiB, fixed: true });
    expect(await service.check(path('to-fixed.vhdx'))).toEqual({ ok: true, problems: [] });
  });

  it('stops when cancelled, leaving neither the destination nor a temporary file', async () => {
    const original = await patternedRaw('cancelled.raw', 16 * MiB);
    const destination = path('cancelled.vhdx');
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    const conversion = service.convert(original, destination, { to: 'vhdx' }, (fraction) => fraction > 0.2 && controller.abort(reason), controller.signal);
    await expect(conversion).rejects.toBe(reason);
    expect((await readdir(dirname(destination))).filter((name) => name.includes('cancelled.vhdx'))).toEqual([]);
  });

  it('refuses to convert onto an existing file', async () => {
    const original = await patternedRaw('source.raw', MiB);
    await writeFile(path('taken.vhd'), 'keep me');
    await expect(service.convert(original, path('taken.vhd'), { to: 'vhd' }, unwatched, never)).rejects.toBeInstanceOf(DiskImageExistsError);
    expect(await readFile(path('taken.vhd'), 'utf8')).toBe('keep me');
  });

  it('finds nothing wrong with a sound image of each format', async () => {
    for (const format of ['raw', 'vhd', 'vhdx']) {
      const file = path(`sound.${format}`);
      await service.create(file, { format, sizeBytes: 4 * MiB });
      expect(await service.check(file)).toEqual({ ok: true, problems: [] });
    }
  });

  it('reports a VHDX whose metadata region is overwritten, naming the structure', async () => {
    const file = path('corrupted.vhdx');
    await service.create(file, { format: 'vhdx', sizeBytes: 4 * MiB });
    const handle = await open(file, 'r+');
    try {
      // New images keep their metadata region at 2 MiB.
      await handle.write(new Uint8Array(4096).fill(0xa5), 0, 4096, 2 * MiB);
    } finally {
      await handle.close();
    }
    const result = await service.check(file);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^does not open as vhdx: .*metadata/)]);
  });

  it('reports a VHD whose footer checksum is wrong', async () => {
    const file = path('corrupted.vhd');
    await service.create(file, { format: 'vhd', sizeBytes: 4 * MiB, fixed: true });
    const handle = await open(file, 'r+');
    try {
      // The footer's checksum field: the last 512 bytes, offset 64.
      await handle.write(new Uint8Array([0xde, 0xad, 0xbe, 0xef]), 0, 4, 4 * MiB + 64);
    } finally {
      await handle.close();
    }
    const result = await service.check(file);
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawDiskFormat } from '../raw/raw-disk-format.js';
import { qemu } from './test-fixtures/qemu-utils.js';
import { VhdDiskFormat } from './vhd-disk-format.js';
import { vhdGeometry } from './vhd-geometry.js';

const MiB = 1024 * 1024;
const SIZE = 10 * MiB;
/** The same writes, in qemu-io's words and as bytes for tsvisor: offset, length, pattern byte. */
const WRITES = [
  [MiB, 64 * 1024, 0xab],
  [2 * MiB - 4096, 8192, 0xcd],
  [0, 512, 0x01],
  [SIZE - 4096, 4096, 0xef],
] as const;

let dir: string;
const vhd = new VhdDiskFormat();
const raw = new RawDiskFormat();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-vhd-qemu-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the disk holds after {@link WRITES}. */
function expectedDisk(): Uint8Array {
  const disk = new Uint8Array(SIZE);
  for (const [offset, length, byte] of WRITES) disk.fill(byte, offset, offset + length);
  return disk;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

describe.each(['dynamic', 'fixed'] as const)('%s VHDs and qemu', (subformat) => {
  it('reads what qemu-io wrote into an image qemu-img created, byte for byte', async () => {
    const path = join(dir, `qemu-${subformat}.vhd`);
    await qemu('qemu-img', 'create', '-q', '-f', 'vpc', '-o', `subformat=${subformat},force_size=on`, path, String(SIZE));
    for (const [offset, length, byte] of WRITES) {
      await qemu('qemu-io', '-f', 'vpc', '-c', `write -P 0x${byte.toString(16)} ${offset} ${length}`, path);
    }
    const disk = await vhd.open(path, { readOnly: true });
    expect(disk.sizeBytes).toBe(SIZE);
    const bytes = new Uint8Array(SIZE);
    await disk.read(0, bytes);
    await disk.close();
    expect(firstDifference(bytes, expectedDisk())).toBe(-1);
  });

  it('writes images that qemu-img reads as the raw reference with the same writes', async () => {
    const path = join(dir, `tsvisor-${subformat}.vhd`);
    const reference = join(dir, `reference-${subformat}.img`);
    await vhd.create(path, { sizeBytes: SIZE, fixed: subformat === 'fixed' });
    await raw.create(reference, { sizeBytes: SIZE });
    for (const [format, file] of [
      [vhd, path],
      [raw, reference],
    ] as const) {
      const disk = await format.open(file);
      for (const [offset, length, byte] of WRITES) await disk.write(offset, new Uint8Array(length).fill(byte));
      await disk.close();
    }
    const info = JSON.parse(await qemu('qemu-img', 'info', '--output=json', '-f', 'vpc', path)) as { 'virtual-size': number };
    expect(info['virtual-size']).toBe(SIZE);
    // qemu-img check has no checks for vpc (it exits 63), so the comparison is the proof.
    await expect(qemu('qemu-img', 'compare', '-q', '-f', 'vpc', '-F', 'raw', path, reference)).resolves.toBe('');
    const converted = join(dir, `converted-${subformat}.img`);
    await qemu('qemu-img', 'convert', '-f', 'vpc', '-O', 'raw', path, converted);
    expect(firstDifference(new Uint8Array(await readFile(converted)), expectedDisk())).toBe(-1);
  });
});

describe('VHD geometry', () => {
  // qemu-img without force_size rounds the size up to the first whole geometry, whose size the
  // specification's algorithm must map back to that same geometry.
  it.each([10 * MiB, 100 * MiB, 1000 * MiB, 4096 * MiB, 40 * 1024 * MiB])('computes the geometry qemu-img gives a disk of about %i bytes', async (size) => {
    const path = join(dir, `geometry-${size}.vhd`);
    await qemu('qemu-img', 'create', '-q', '-f', 'vpc', '-o', 'subformat=dynamic', path, String(size));
    const footer = (await readFile(path)).subarray(0, 512);
    const geometry = { cylinders: footer.readUInt16BE(56), heads: footer[58]!, sectorsPerTrack: footer[59]! };
    expect(geometry.cylinders * geometry.heads * geometry.sectorsPerTrack * 512).toBeGreaterThanOrEqual(size);
    expect(vhdGeometry(geometry.cylinders * geometry.heads * geometry.sectorsPerTrack * 512)).toEqual(geometry);
  });
});

import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { firstDifference, pattern } from './test-fixtures/bytes.js';
import { makePendingLogImage } from './test-fixtures/pending-log-image.js';
import { qemuImg, qemuIo } from './test-fixtures/qemu.js';
import { scratchDirectory } from './test-fixtures/scratch-directory.js';
import { VhdxDiskFormat } from './vhdx-disk-format.js';

const MiB = 1024 * 1024;
const image = scratchDirectory();
const format = new VhdxDiskFormat();

// Interop needs Debian's qemu-utils; CI installs it. Fail loudly rather than skip.
execFileSync('qemu-img', ['--version']);

/** Reads the whole disk at `path` with tsvisor. */
async function readAll(path: string): Promise<Uint8Array> {
  const disk = await format.open(path, { readOnly: true });
  const bytes = new Uint8Array(disk.sizeBytes);
  await disk.read(0, bytes);
  await disk.close();
  return bytes;
}

describe('VHDX interop with qemu', () => {
  it.each([
    { name: 'dynamic, default options', options: [] as string[] },
    { name: 'dynamic, 1 MiB blocks, 1 MiB log', options: ['-o', 'block_size=1M,log_size=1M'] },
    { name: 'dynamic, 8 MiB blocks', options: ['-o', 'block_size=8M'] },
    { name: 'dynamic, 64 MiB blocks', options: ['-o', 'block_size=64M'] },
    { name: 'fixed with ZERO entries', options: ['-o', 'subformat=fixed'] },
    { name: 'fixed with fully present entries', options: ['-o', 'subformat=fixed,block_state_zero=off'] },
  ])('reads what qemu-io wrote to a qemu-img image ($name), byte for byte', async ({ name, options }) => {
    const path = image(`qemu-${name.replaceAll(/\W+/g, '-')}.vhdx`);
    await qemuImg('create', '-q', '-f', 'vhdx', ...options, path, '24M');
    await qemuIo(path, 'write -P 0xcd 3M 128k', 'write -P 0x5a 9M 1536k', 'write -P 0x11 23M 1M');
    const expected = new Uint8Array(24 * MiB);
    expected.fill(0xcd, 3 * MiB, 3 * MiB + 128 * 1024);
    expected.fill(0x5a, 9 * MiB, 9 * MiB + 1536 * 1024);
    expected.fill(0x11, 23 * MiB);
    expect(firstDifference(await readAll(path), expected)).toBe(-1);
  });

  it.each([
    { name: 'dynamic 512', fixed: false, sectorSize: 512 as const, blockSizeBytes: MiB },
    // qemu reads only 512-byte logical sectors: 4096-byte images are checked by the tests of vhdx-disk.
    { name: 'dynamic 2 MiB blocks', fixed: false, sectorSize: 512 as const, blockSizeBytes: 2 * MiB },
    { name: 'dynamic default blocks', fixed: false, sectorSize: 512 as const, blockSizeBytes: undefined },
    { name: 'fixed', fixed: true, sectorSize: 512 as const, blockSizeBytes: MiB },
  ])('writes images ($name) that pass qemu-img check and match a raw reference', async ({ name, ...options }) => {
    const path = image(`ours-${name.replaceAll(/\W+/g, '-')}.vhdx`);
    const raw = image(`ours-${name.replaceAll(/\W+/g, '-')}.raw`);
    const size = 40 * MiB;
    await format.create(path, { sizeBytes: size, ...options });
    const reference = new Uint8Array(size);
    const disk = await format.open(path);
    const writes: [number, number][] = [
      [0, 4096],
      [MiB - 4096, 8192],
      [5 * MiB + 8192, 3 * MiB],
      [size - 4096, 4096],
    ];
    for (const [i, [offset, length]] of writes.entries()) {
      const data = pattern(length, i);
      await disk.write(offset, data);
      reference.set(data, offset);
    }
    await disk.unmap(6 * MiB, 2 * MiB);
    reference.fill(0, 6 * MiB, 8 * MiB);
    await disk.close();
    await writeFile(raw, reference);
    expect(await qemuImg('check', '-f', 'vhdx', path)).toContain('No errors were found');
    await qemuImg('compare', '-q', '-f', 'vhdx', '-F', 'raw', path, raw);
  });

  it.each([
    { name: 'dynamic', options: ['-o', 'block_size=1M'] },
    { name: 'fixed with ZERO entries', options: ['-o', 'subformat=fixed,block_size=1M'] },
  ])('writes into qemu-img images ($name) so that qemu reads the same as a raw reference', async ({ name, options }) => {
    const path = image(`into-${name.replaceAll(/\W+/g, '-')}.vhdx`);
    const raw = image(`into-${name.replaceAll(/\W+/g, '-')}.raw`);
    await qemuImg('create', '-q', '-f', 'vhdx', ...options, path, '16M');
    await qemuIo(path, 'write -P 0xcd 3M 128k');
    const reference = new Uint8Array(16 * MiB);
    reference.fill(0xcd, 3 * MiB, 3 * MiB + 128 * 1024);
    const disk = await format.open(path);
    for (const [i, offset] of [3 * MiB + 64 * 1024, 7 * MiB + 512, 15 * MiB].entries()) {
      const data = pattern(96 * 1024, i);
      await disk.write(offset, data);
      reference.set(data, offset);
    }
    await disk.close();
    await writeFile(raw, reference);
    expect(await qemuImg('check', '-f', 'vhdx', path)).toContain('No errors were found');
    await qemuImg('compare', '-q', '-f', 'vhdx', '-F', 'raw', path, raw);
  });

  it('writes log entries that qemu replays: an entry left unapplied by a crash is found and applied', async () => {
    const path = image('unapplied-log.vhdx');
    const expected = await makePendingLogImage(path);
    await expect(qemuImg('check', '-f', 'vhdx', path)).rejects.toThrow(/log that needs to be replayed/);
    expect(await qemuImg('check', '-r', 'all', '-f', 'vhdx', path)).toContain('No errors were found');
    await qemuIo(path, 'read -P 0x00 0 2M');
    expect(firstDifference(await readAll(path), expected)).toBe(-1);
  });
});

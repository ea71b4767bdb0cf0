import { Container } from 'inversify';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskFormatContribution, DiskFormatRegistry } from './disk-format-registry.js';
import { RawDiskFormat } from './raw/raw-disk-format.js';
import type { DiskFormat } from './virtual-disk.js';
import { VhdDiskFormat } from './vhd/vhd-disk-format.js';

const MiB = 1024 * 1024;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-disk-formats-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A plugin's format, recognized by a magic number at the start of its files. */
function magicFormat(name: string, magic: string, calls: Array<{ head: number; tail: number; size: number }> = []): DiskFormat {
  return {
    name,
    probe: (head, tail, size) => {
      calls.push({ head: head.length, tail: tail.length, size });
      return String.fromCharCode(...head.subarray(0, magic.length)) === magic;
    },
    open: () => Promise.reject(new Error('not opened in this test')),
    create: () => Promise.resolve(),
  };
}

describe('DiskFormatRegistry', () => {
  const raw = new RawDiskFormat();
  const vhd = new VhdDiskFormat();

  it('detects VHDs, fixed and dynamic, and opens them; anything else is raw', async () => {
    const registry = new DiskFormatRegistry([raw, vhd]);
    const fixed = join(dir, 'fixed.vhd');
    const dynamic = join(dir, 'dynamic.vhd');
    const plain = join(dir, 'plain.img');
    await vhd.create(fixed, { sizeBytes: MiB, fixed: true });
    await vhd.create(dynamic, { sizeBytes: MiB });
    await raw.create(plain, { sizeBytes: MiB });
    expect((await registry.detect(fixed)).name).toBe('vhd');
    expect((await registry.detect(dynamic)).name).toBe('vhd');
    expect((await registry.detect(plain)).name).toBe('raw');
    const disk = await registry.open(dynamic, { readOnly: true });
    expect(disk).toMatchObject({ format: 'vhd', sizeBytes: MiB, readOnly: true });
    await disk.close();
  });

  it('probes with the first 64 KiB and the last 512 bytes, or less of a smaller file', async () => {
    const calls: Array<{ head: number; tail: number; size: number }> = [];
    const registry = new DiskFormatRegistry([raw, magicFormat('probe', 'x', calls)]);
    const big = join(dir, 'big.img');
    const small = join(dir, 'small.img');
    await writeFile(big, new Uint8Array(MiB));
    await writeFile(small, new Uint8Array(100));
    expect((await registry.detect(big)).name).toBe('raw');
    expect((await registry.detect(small)).name).toBe('raw');
    expect(calls).toEqual([
      { head: 64 * 1024, tail: 512, size: MiB },
      { head: 100, tail: 100, size: 100 },
    ]);
  });

  it('takes the first format that matches, in the order they were contributed, raw last', async () => {
    const path = join(dir, 'magic.img');
    await writeFile(path, new TextEncoder().encode('MAGIC and more'));
    const registry = new DiskFormatRegistry([raw, magicFormat('first', 'MAGIC'), magicFormat('second', 'MAG')]);
    expect((await registry.detect(path)).name).toBe('first');
    expect(registry.names).toEqual(['first', 'second', 'raw']);
  });

  it('takes the formats plugins bind to DiskFormatContribution', async () => {
    const container = new Container();
    container.bind(DiskFormatContribution).toConstantValue(raw);
    container.bind(DiskFormatContribution).toConstantValue(vhd);
    container.bind(DiskFormatContribution).toConstantValue(magicFormat('plugin', 'PLUG'));
    const registry = new DiskFormatRegistry(container.getAll(DiskFormatContribution));
    const path = join(dir, 'plugin.img');
    await writeFile(path, new TextEncoder().encode('PLUG'));
    expect((await registry.detect(path)).name).toBe('plugin');
    expect(registry.byName('vhd')).toBe(vhd);
  });

  it('names the known formats when asked for an unknown one', () => {
    const registry = new DiskFormatRegistry([raw, vhd]);
    expect(() => registry.byName('qcow2')).toThrow(new RangeError('unknown disk format "qcow2"; known: vhd, raw'));
  });

  it('refuses a list without raw, with two formats of one name, or with something that is not a format', () => {
    expect(() => new DiskFormatRegistry([vhd])).toThrow(/no disk format is named "raw"/);
    expect(() => new DiskFormatRegistry([raw, vhd, new VhdDiskFormat()])).toThrow(/two disk formats are named "vhd"/);
    expect(() => new DiskFormatRegistry([raw, { name: 'half' } as DiskFormat])).toThrow(/not a DiskFormat/);
  });
});

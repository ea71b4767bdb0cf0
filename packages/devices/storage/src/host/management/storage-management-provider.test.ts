import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { DeviceConfigError } from '@tsvisor/device-sdk';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StorvscDriver } from '../../guest/storvsc-driver.js';
import type { StorvscController } from '../../guest/storvsc-controller.js';
import { DiskFormatRegistry } from '../disk/disk-format-registry.js';
import { RawDiskFormat } from '../disk/raw/raw-disk-format.js';
import type { StorageVsp } from '../storvsp/storage-vsp.js';
import { StorageVspFactory } from '../storvsp/storage-vsp-factory.js';
import { StorageManagementProvider } from './storage-management-provider.js';

let dir: string;
let bed: DeviceTestBed<StorvscController> | undefined;
const raw = new RawDiskFormat();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-storage-mgmt-'));
  await raw.create(join(dir, 'a.img'), { sizeBytes: 1024 * 1024 });
  await raw.create(join(dir, 'b.img'), { sizeBytes: 2 * 1024 * 1024 });
});
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the storage management provider', () => {
  it('lists, hot-adds and hot-removes disks, with input checked before anything runs', async () => {
    bed = await connectDevice({
      factory: new StorageVspFactory(new DiskFormatRegistry([raw])),
      driver: new StorvscDriver({ ioPages: 8 }),
      config: { disks: [{ lun: 0, path: join(dir, 'a.img') }] },
    });
    const { operations } = new StorageManagementProvider().manage(bed.vsp as StorageVsp);
    const run = (name: string, input: unknown): Promise<unknown> => operations![name]!.invoke(operations![name]!.input.parse(input), new AbortController().signal);
    expect(await run('disk.list', {})).toEqual({ disks: [{ lun: 0, path: join(dir, 'a.img'), format: 'raw', sizeBytes: 1024 * 1024, sectorSize: 512, readOnly: false }] });
    expect(() => operations!['disk.add']!.input.parse({ lun: 99, path: join(dir, 'b.img') })).toThrow(DeviceConfigError);
    expect(() => operations!['disk.add']!.input.parse({ lun: 1, path: 'b.img' })).toThrow(expect.objectContaining({ field: 'path' }));
    const added = (await run('disk.add', { lun: 1, path: join(dir, 'b.img'), readOnly: true })) as { disks: { lun: number }[] };
    expect(added.disks.map((disk) => disk.lun)).toEqual([0, 1]);
    await expect.poll(() => bed!.device.disks.length).toBe(2);
    expect(await run('disk.remove', { lun: 0 })).toEqual({ removed: true });
    expect(await run('disk.remove', { lun: 0 })).toEqual({ removed: false });
    expect(((await run('disk.list', {})) as { disks: { lun: number; readOnly: boolean }[] }).disks).toEqual([expect.objectContaining({ lun: 1, readOnly: true })]);
  });

  it('counts requests, bytes, a latency histogram, and IOPS over the interval since the last reading', async () => {
    bed = await connectDevice({
      factory: new StorageVspFactory(new DiskFormatRegistry([raw])),
      driver: new StorvscDriver({ ioPages: 8 }),
      config: { disks: [{ lun: 0, path: join(dir, 'a.img') }] },
    });
    const management = new StorageManagementProvider().manage(bed.vsp as StorageVsp);
    management.counters!();
    await expect.poll(() => bed!.device.disks.length).toBe(1);
    const disk = bed.device.disks[0]!;
    const block = new Uint8Array(4096);
    for (let i = 0; i < 20; i++) await disk.read(i * 8, block);
    const counters = management.counters!();
    expect(counters['bytesRead']).toBeGreaterThanOrEqual(20 * 4096);
    const histogram = ['latencyUnder100us', 'latencyUnder1ms', 'latencyUnder10ms', 'latencyUnder100ms', 'latencyOver100ms'].reduce((sum, name) => sum + counters[name]!, 0);
    expect(histogram).toBe(counters['requests']);
    expect(counters['latencyTotalUs']).toBeGreaterThan(0);
    expect(counters['iops']).toBeGreaterThan(0);
    expect(counters['bytesPerSecond']).toBeGreaterThan(0);
  });
});

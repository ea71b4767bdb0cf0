import { DEFAULT_ENTRY_CONDITIONS, locatePackage, resolvePackageEntry } from '@tsvisor/device-sdk/host';
import { startDevicePartition, type DevicePartition } from '@tsvisor/device-sdk/testing';
import { DiskFormatRegistry, RawDiskFormat, StorageVspFactory } from '@tsvisor/storage/host';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

let vm: DevicePartition | undefined;
let dir: string | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the block-device guest program', () => {
  it('writes sectors of its disk with requests in flight, reads them back, and the image holds them', async () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const packageDir = await locatePackage('@tsvisor/storage', here);
    if (!packageDir) throw new Error('@tsvisor/storage is not installed');
    const guestModule = await resolvePackageEntry(packageDir, './guest', ['@tsvisor/source', ...DEFAULT_ENTRY_CONDITIONS]);
    dir = await mkdtemp(join(tmpdir(), 'block-device-'));
    const image = join(dir, 'disk.raw');
    await writeFile(image, new Uint8Array(1024 * 1024));
    vm = await startDevicePartition({
      program: join(here, 'block-device.ts'),
      plugins: [{ factories: [new StorageVspFactory(new DiskFormatRegistry([new RawDiskFormat()]))], guestModule }],
      devices: [{ class: 'storage.scsi', config: { disks: [{ lun: 0, path: image }] } }],
    });
    await vm.waitForConsole('block-device: 16 sectors read in place', 20_000);
    expect(vm.console()).toContain('2048 sectors of 512 bytes');
    expect(vm.console()).toContain('block-device: 16 sectors written and read back');
    const bytes = await readFile(image);
    for (let s = 0; s < 16; s++) expect(bytes[s * 512 + 100]).toBe(0x40 + s);
    expect(bytes[16 * 512]).toBe(0);
  });
});

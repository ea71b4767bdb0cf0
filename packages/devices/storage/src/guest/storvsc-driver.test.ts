import { startDevicePartition, type DevicePartition } from '@tsvisor/device-sdk/testing';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskFormatRegistry } from '../host/disk/disk-format-registry.js';
import { RawDiskFormat } from '../host/disk/raw/raw-disk-format.js';
import { StorageVspFactory } from '../host/storvsp/storage-vsp-factory.js';
import type { StorageVsp } from '../host/storvsp/storage-vsp.js';
import { SenseKey } from '../protocol/index.js';

const here = import.meta.dirname;
let vm: DevicePartition | undefined;
let dir: string | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the storvsc driver in a real partition', () => {
  it('reads and writes a raw image over every channel, is refused writes to a read-only one, sees a hot-added LUN and lets go on rescind', async () => {
    dir = await mkdtemp(join(tmpdir(), 'storvsc-'));
    const [a, b, c] = [join(dir, 'a.raw'), join(dir, 'b.raw'), join(dir, 'c.raw')];
    await writeFile(a, new Uint8Array(64 * 512));
    await writeFile(b, new Uint8Array(16 * 512));
    await writeFile(c, new Uint8Array(16 * 512).fill(42));
    vm = await startDevicePartition({
      program: join(here, '../test-fixtures/guests/block-device-program.ts'),
      plugins: [{ factories: [new StorageVspFactory(new DiskFormatRegistry([new RawDiskFormat()]))], guestModule: join(here, 'index.ts') }],
      devices: [{ class: 'storage.scsi', config: { disks: [{ lun: 0, path: a }, { lun: 1, path: b, readOnly: true }] } }],
    });
    await vm.waitForConsole('waiting for lun 2', 20_000);
    expect(vm.console()).toContain(`lun0 ${64 * 512} bytes of 512`);
    expect(vm.console()).toContain('readback ok');
    expect(vm.console()).toContain('empty read 0');
    expect(vm.console()).toContain(`read-only write refused: sense key ${SenseKey.DATA_PROTECT}`);
    const file = await readFile(a);
    for (let i = 0; i < 8 * 512; i++) if (file[512 + i] !== ((i * 7) & 0xff)) throw new Error(`byte ${512 + i} of the image differs`);
    expect(file[0]).toBe(0);
    expect((await readFile(b)).every((byte) => byte === 0)).toBe(true);
    const reads = /sub-channels 3, reads per channel (\d+),(\d+),(\d+),(\d+)/.exec(vm.console());
    expect(reads, vm.console()).not.toBeNull();
    const perChannel = reads!.slice(1).map(Number);
    expect(perChannel.reduce((a, b) => a + b)).toBe(32);
    expect(perChannel.every((n) => n > 0)).toBe(true);
    const storage = vm.vsps[0] as StorageVsp;
    expect(storage.counters()).toMatchObject({ subChannelsOffered: 3, failedRequests: 1 });
    await storage.addDisk({ lun: 2, path: c });
    await vm.waitForConsole('lun 2 first byte 42', 20_000);
    // Hot-remove of the controller: the primary and its sub-channels go.
    await storage.stop();
    await vm.waitForConsole('controller removed: ChannelClosedError', 20_000);
    expect(storage.counters()).toMatchObject({ inFlight: 0, disks: 0 });
  });
});

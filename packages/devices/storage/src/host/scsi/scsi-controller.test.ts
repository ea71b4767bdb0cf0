import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '@tsvisor/wire/testing';
import { RawDiskFormat } from '../disk/raw/raw-disk-format.js';
import type { VirtualDisk } from '../disk/virtual-disk.js';
import { ScsiController } from './scsi-controller.js';
import { ScsiTarget } from './scsi-target.js';
import { runScsi, senseOf } from './test-fixtures/scsi-commands.js';

let dir: string;
const disks: VirtualDisk[] = [];
const controller = new ScsiController();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-scsi-controller-'));
  const format = new RawDiskFormat();
  for (const lun of [0, 3]) {
    const path = join(dir, `lun-${lun}.img`);
    await format.create(path, { sizeBytes: 64 * 1024 });
    const disk = await format.open(path);
    disks.push(disk);
    controller.attach(lun, new ScsiTarget(disk, { identifier: `00000000-0000-0000-0000-00000000000${lun}` }));
  }
});
afterAll(async () => {
  for (const disk of disks) await disk.close();
  await rm(dir, { recursive: true, force: true });
});

/** The LUN as REPORT LUNS sees it, for `controller` on `lun`. */
function onLun(lun: number): Pick<ScsiTarget, 'execute'> {
  return { execute: (request, outcome) => controller.execute(lun, request, outcome) };
}

describe('ScsiController', () => {
  it('answers REPORT LUNS itself, on any LUN, with single-level LUNs', async () => {
    expect(controller.luns).toEqual([0, 3]);
    for (const lun of [0, 7]) {
      const data = new Uint8Array(64);
      const outcome = await runScsi(onLun(lun), [0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0], data);
      expect(outcome).toMatchObject({ scsiStatus: 0, srbStatus: 0x12, dataTransferred: 24 });
      expect(toHex(data.subarray(0, 24))).toBe('00 00 00 10 00 00 00 00  00 00 00 00 00 00 00 00  00 03 00 00 00 00 00 00'.replace(/ {2}/g, ' '));
    }
    const wellKnown = new Uint8Array(16);
    expect(await runScsi(onLun(0), [0xa0, 0, 1, 0, 0, 0, 0, 0, 0, 16, 0, 0], wellKnown)).toMatchObject({ dataTransferred: 8 });
    expect(toHex(wellKnown.subarray(0, 4))).toBe('00 00 00 00');
  });

  it('refuses REPORT LUNS with an allocation length under 16, an unknown SELECT REPORT or a short CDB', async () => {
    for (const cdb of [
      [0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 0, 0],
      [0xa0, 0, 0x10, 0, 0, 0, 0, 0, 0, 64, 0, 0],
      [0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64],
    ]) {
      const outcome = await runScsi(onLun(0), cdb, new Uint8Array(64));
      expect(outcome).toMatchObject({ scsiStatus: 2, srbStatus: 0x84, senseLength: 18 });
      expect(senseOf(outcome)).toEqual([5, 0x24, 0]);
    }
  });

  it('passes other commands to the unit at the LUN, and ends those for an empty LUN in INVALID_LUN', async () => {
    const capacity = new Uint8Array(8);
    expect(await runScsi(onLun(3), [0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0], capacity)).toMatchObject({ scsiStatus: 0, srbStatus: 1 });
    expect(toHex(capacity)).toBe('00 00 00 7f 00 00 02 00');
    for (const lun of [1, 255, 256, -1]) {
      expect(await runScsi(onLun(lun), [0x12, 0, 0, 0, 36, 0], new Uint8Array(36))).toMatchObject({
        scsiStatus: 0,
        srbStatus: 0x20,
        dataTransferred: 0,
        senseLength: 0,
      });
    }
  });

  it('attaches a unit only at a free LUN in 0–255, and detaches it', () => {
    const spare = new ScsiController();
    const unit = controller.unit(0)!;
    expect(() => spare.attach(256, unit)).toThrow(RangeError);
    expect(() => spare.attach(1.5, unit)).toThrow(RangeError);
    spare.attach(5, unit);
    expect(() => spare.attach(5, unit)).toThrow(RangeError);
    expect(spare.detach(5)).toBe(unit);
    expect(spare.detach(5)).toBeUndefined();
    expect(spare.luns).toEqual([]);
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScsiOpcode, SenseKey, cdbLengthOf } from '../../protocol/index.js';
import { RawDiskFormat } from '../disk/raw/raw-disk-format.js';
import { ScsiController } from './scsi-controller.js';
import { ScsiOutcome } from './scsi-outcome.js';
import { ScsiTarget } from './scsi-target.js';
import { RecordingDisk } from './test-fixtures/recording-disk.js';

/** 64 blocks of disk, then bytes of the file that are not part of it (the raw disk rounds down). */
const DISK_BYTES = 64 * 512;
const GUARD_BYTES = 300;

let dir: string;
let path: string;
let disk: RecordingDisk;
const controller = new ScsiController();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-scsi-fuzz-'));
  path = join(dir, 'small.img');
  await writeFile(path, Uint8Array.from({ length: DISK_BYTES + GUARD_BYTES }, (_, index) => (index * 13 + 7) & 0xff));
  disk = new RecordingDisk(await new RawDiskFormat().open(path));
  controller.attach(0, new ScsiTarget(disk, { identifier: '11111111-2222-3333-4444-555555555555' }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Mostly small bytes, so that random fields often hold something a command accepts. */
const cdbByte = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat(3) }, { weight: 2, arbitrary: fc.nat(255) });

/** Where the low byte of the LBA and of the transfer length lie, by CDB length (READ/WRITE layouts). */
const LBA_AND_LENGTH_AT: Readonly<Record<number, readonly [lba: number, blocks: number]>> = {
  6: [3, 4],
  10: [5, 8],
  12: [5, 9],
  16: [9, 13],
};

/** A value of `arbitrary` one time in four, else undefined. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/**
 * A command: random bytes after the operation code, or — mostly — a plausible CDB, with a small
 * LBA and transfer length where the code's group keeps them and maybe a byte changed; a data
 * buffer of a fill byte, mostly as long as a plausible transfer needs, perhaps under an UNMAP
 * parameter list of one small descriptor; a LUN with a unit, or not.
 */
const command = fc
  .record({
    opcode: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...Object.values(ScsiOpcode)) }, { weight: 1, arbitrary: fc.nat(255) }),
    rest: fc.array(cdbByte, { minLength: 15, maxLength: 15 }),
    plausible: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    lba: fc.nat(70),
    blocks: fc.nat(10),
    edit: sometimes(fc.tuple(fc.nat(15), fc.nat(255))),
    cdbLength: sometimes(fc.integer({ min: 6, max: 16 })),
    dataLength: sometimes(fc.oneof(fc.constantFrom(0, 18, 36, 512, 1024, 4096), fc.nat(5000))),
    fill: fc.oneof(fc.constant(0), fc.nat(255)),
    unmapList: fc.option(fc.tuple(fc.nat(70), fc.nat(10)), { nil: undefined }),
    lun: fc.constantFrom(0, 0, 0, 1),
  })
  .map(({ opcode, rest, plausible, lba, blocks, edit, cdbLength, dataLength, fill, unmapList, lun }) => {
    const cdb = Uint8Array.of(opcode, ...rest);
    if (plausible) {
      cdb.fill(0, 1);
      const [lbaAt, blocksAt] = LBA_AND_LENGTH_AT[cdbLengthOf(opcode)] ?? [3, 4];
      cdb[lbaAt] = lba;
      cdb[blocksAt] = blocks;
      if (opcode === ScsiOpcode.UNMAP) cdb[8] = 24; // the parameter list below
      if (edit) cdb[edit[0]] = edit[1];
    }
    const data = new Uint8Array(dataLength ?? Math.max(blocks * 512, 24)).fill(fill);
    if (unmapList && data.length >= 24) {
      data.set([0, 22, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, unmapList[0], 0, 0, 0, unmapList[1], 0, 0, 0, 0]);
    }
    return { cdb, cdbLength: cdbLength ?? (cdbLengthOf(opcode) || 16), data, lun };
  });

const SENSE_KEYS: ReadonlySet<number> = new Set(Object.values(SenseKey));

describe('ScsiTarget under random CDBs', () => {
  it('never throws, never reaches outside the disk, and always ends with a defined status', async () => {
    const reached = { read: 0, write: 0, flush: 0, unmap: 0, good: 0 };
    await fc.assert(
      fc.asyncProperty(command, async ({ cdb, cdbLength, data, lun }) => {
        const dataLength = data.length;
        const outcome = new ScsiOutcome();
        disk.calls.length = 0;
        await controller.execute(lun, { cdb, cdbLength, data }, outcome);

        for (const call of disk.calls) {
          reached[call.operation]++;
          expect(call.offset % 512).toBe(0);
          expect(call.length % 512).toBe(0);
          expect(call.offset).toBeGreaterThanOrEqual(0);
          expect(call.offset + call.length).toBeLessThanOrEqual(DISK_BYTES);
          if (call.operation === 'read' || call.operation === 'write') expect(call.length).toBeLessThanOrEqual(Math.max(dataLength, 1024 * 1024));
        }
        expect(outcome.dataTransferred).toBeGreaterThanOrEqual(0);
        expect(outcome.dataTransferred).toBeLessThanOrEqual(dataLength);
        if (outcome.scsiStatus === 2) {
          expect(outcome).toMatchObject({ srbStatus: 0x84, senseLength: 18, dataTransferred: 0 });
          expect(outcome.sense[0]).toBe(0x70);
          expect(SENSE_KEYS.has(outcome.sense[2]!)).toBe(true);
          expect(outcome.sense[2]).not.toBe(SenseKey.NO_SENSE);
        } else {
          expect(outcome.scsiStatus).toBe(0);
          if (outcome.srbStatus !== 0x20) reached.good++;
          expect(outcome.senseLength).toBe(0);
          expect([1, 0x12, 0x20]).toContain(outcome.srbStatus);
          if (outcome.srbStatus === 1) expect(outcome.dataTransferred).toBe(dataLength);
          if (outcome.srbStatus === 0x20) expect(lun).toBe(1);
        }
      }),
      { numRuns: 1500 },
    );
    // The generator must get commands through to the disk for the property to say anything.
    for (const count of Object.values(reached)) expect(count).toBeGreaterThan(5);
    await disk.close();
    const file = await readFile(path);
    expect(file.length).toBe(DISK_BYTES + GUARD_BYTES);
    const guard = Uint8Array.from({ length: GUARD_BYTES }, (_, index) => ((DISK_BYTES + index) * 13 + 7) & 0xff);
    expect(new Uint8Array(file.subarray(DISK_BYTES))).toEqual(guard);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '@tsvisor/wire/testing';
import { RawDiskFormat } from '../disk/raw/raw-disk-format.js';
import type { VirtualDisk } from '../disk/virtual-disk.js';
import { DiskIoError } from '../disk/io/disk-io-error.js';
import { ScsiOutcome } from './scsi-outcome.js';
import { ScsiTarget } from './scsi-target.js';
import { RecordingDisk } from './test-fixtures/recording-disk.js';
import { be, runScsi, scsiRequest, senseOf } from './test-fixtures/scsi-commands.js';

const ID = '6b1c0a3e-2f4d-4c5b-9a8e-1d2c3b4a5f60';
const SIZE = 1024 * 1024;
const BLOCKS = SIZE / 512;
const GOOD = { scsiStatus: 0, srbStatus: 1 };
const ILLEGAL_REQUEST = 5;

let dir: string;
let count = 0;
const format = new RawDiskFormat();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-scsi-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A new 1 MiB raw disk, recorded, and its path. */
async function newDisk(readOnly = false, sizeBytes = SIZE): Promise<{ disk: RecordingDisk; path: string }> {
  const path = join(dir, `disk-${count++}.img`);
  await format.create(path, { sizeBytes });
  return { disk: new RecordingDisk(await format.open(path, { readOnly })), path };
}

async function newTarget(
  options: { readOnly?: boolean; unmap?: boolean; sizeBytes?: number } = {},
): Promise<{ target: ScsiTarget; disk: RecordingDisk; path: string }> {
  const { disk, path } = await newDisk(options.readOnly, options.sizeBytes);
  const target = new ScsiTarget(disk, { identifier: ID, ...(options.unmap === undefined ? {} : { unmap: options.unmap }) });
  return { target, disk, path };
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * 31 + seed) & 0xff);
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** Expects CHECK CONDITION with fixed sense `key`/`asc`/`ascq` and nothing transferred. */
function expectCheckCondition(outcome: Awaited<ReturnType<typeof runScsi>>, key: number, asc: number, ascq = 0): void {
  expect(outcome).toMatchObject({ scsiStatus: 2, srbStatus: 0x84, dataTransferred: 0, senseLength: 18 });
  expect(outcome.sense[0]).toBe(0x70);
  expect(outcome.sense[7]).toBe(10);
  expect(senseOf(outcome)).toEqual([key, asc, ascq]);
}

describe('ScsiTarget: reads and writes', () => {
  it('WRITE and READ (6, 10, 12, 16) move the blocks the CDB names, byte for byte', async () => {
    const { target, disk, path } = await newTarget();
    const cases: Array<[write: number[], read: number[], lba: number, blocks: number]> = [
      [be([0x0a, 0, 0, 0, 2, 0], 1, 3, 5), be([0x08, 0, 0, 0, 2, 0], 1, 3, 5), 5, 2],
      [be(be([0x2a, 0, 0, 0, 0, 0, 0, 0, 3, 0], 2, 4, 100), 7, 2, 3), be(be([0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 4, 100), 7, 2, 3), 100, 3],
      [be(be(new Array(12).fill(0).with(0, 0xaa), 2, 4, 700), 6, 4, 1), be(be(new Array(12).fill(0).with(0, 0xa8), 2, 4, 700), 6, 4, 1), 700, 1],
      [be(be(new Array(16).fill(0).with(0, 0x8a), 2, 8, BLOCKS - 4), 10, 4, 4), be(be(new Array(16).fill(0).with(0, 0x88), 2, 8, BLOCKS - 4), 10, 4, 4), BLOCKS - 4, 4],
    ];
    for (const [index, [write, read, lba, blocks]] of cases.entries()) {
      const data = pattern(blocks * 512, index);
      expect(await runScsi(target, write, data)).toMatchObject({ ...GOOD, dataTransferred: blocks * 512, senseLength: 0 });
      const back = new Uint8Array(blocks * 512);
      expect(await runScsi(target, read, back)).toMatchObject({ ...GOOD, dataTransferred: blocks * 512 });
      expect(back).toEqual(data);
      expect(disk.calls.slice(-2)).toEqual([
        { operation: 'write', offset: lba * 512, length: blocks * 512 },
        { operation: 'read', offset: lba * 512, length: blocks * 512 },
      ]);
    }
    await disk.close();
    const file = await readFile(path);
    expect(file.subarray(100 * 512, 103 * 512)).toEqual(Buffer.from(pattern(3 * 512, 1)));
  });

  it('READ(6) and WRITE(6) of length 0 move 256 blocks; the others of length 0 move none', async () => {
    const { target, disk } = await newTarget();
    const data = new Uint8Array(256 * 512);
    expect(await runScsi(target, [0x08, 0, 0, 0, 0, 0], data)).toMatchObject({ ...GOOD, dataTransferred: 256 * 512 });
    expect(await runScsi(target, [0x28, 0, 0, 0, 0, 9, 0, 0, 0, 0])).toMatchObject({ ...GOOD, dataTransferred: 0 });
    expect(disk.calls).toEqual([{ operation: 'read', offset: 0, length: 256 * 512 }]);
    await disk.close();
  });

  it('WRITE with FUA flushes after the write', async () => {
    const { target, disk } = await newTarget();
    expect(await runScsi(target, [0x2a, 0x08, 0, 0, 0, 1, 0, 0, 1, 0], pattern(512, 3))).toMatchObject(GOOD);
    expect(disk.calls.map((call) => call.operation)).toEqual(['write', 'flush']);
    await runScsi(target, [0x2a, 0, 0, 0, 0, 1, 0, 0, 1, 0], pattern(512, 3));
    expect(disk.calls.map((call) => call.operation)).toEqual(['write', 'flush', 'write']);
    await disk.close();
  });

  it('an LBA range beyond the disk is ILLEGAL REQUEST / LBA OUT OF RANGE, and the disk is not touched', async () => {
    const { target, disk } = await newTarget();
    for (const cdb of [
      be(be([0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 4, BLOCKS - 1), 7, 2, 2),
      be([0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 4, BLOCKS),
      be(be(new Array(16).fill(0).with(0, 0x88), 2, 8, 2 ** 60), 10, 4, 1),
      be(be(new Array(16).fill(0).with(0, 0x8a), 2, 8, 0), 10, 4, BLOCKS + 1),
      be(be(new Array(12).fill(0).with(0, 0xa8), 2, 4, 0xffffffff), 6, 4, 0xffffffff),
    ]) {
      expectCheckCondition(await runScsi(target, cdb, new Uint8Array(1024)), ILLEGAL_REQUEST, 0x21);
    }
    expect(disk.calls).toEqual([]);
    await disk.close();
  });

  it('a buffer longer than the transfer ends in DATA_OVERRUN with the bytes moved; a shorter one is refused before any I/O', async () => {
    const { target, disk } = await newTarget();
    const long = new Uint8Array(4096).fill(0xcc);
    expect(await runScsi(target, [0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0], long)).toMatchObject({
      scsiStatus: 0,
      srbStatus: 0x12,
      dataTransferred: 1024,
    });
    expect(long.subarray(1024)).toEqual(new Uint8Array(3072).fill(0xcc));
    expect(disk.calls).toEqual([{ operation: 'read', offset: 0, length: 1024 }]);
    expectCheckCondition(await runScsi(target, [0x2a, 0, 0, 0, 0, 0, 0, 0, 2, 0], new Uint8Array(1000)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, [0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0], new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
    expect(disk.calls).toHaveLength(1);
    await disk.close();
  });

  it('protection fields, short CDBs and unknown operation codes are refused', async () => {
    const { target, disk } = await newTarget();
    expectCheckCondition(await runScsi(target, [0x28, 0x20, 0, 0, 0, 0, 0, 0, 1, 0], new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, [0x2a, 0x40, 0, 0, 0, 0, 0, 0, 1, 0], new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, [0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0], new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, []), ILLEGAL_REQUEST, 0x24);
    for (const opcode of [0x04, 0x15, 0x55, 0x41, 0xa0, 0xc0, 0xff]) {
      expectCheckCondition(await runScsi(target, [opcode, 0, 0, 0, 0, 0]), ILLEGAL_REQUEST, 0x20);
    }
    expect(disk.calls).toEqual([]);
    await disk.close();
  });

  it('a failing backend ends in MEDIUM ERROR: UNRECOVERED READ ERROR or WRITE ERROR', async () => {
    const { target, disk } = await newTarget();
    await disk.close(); // every later call on the file fails, as a lost backing store does
    expectCheckCondition(await runScsi(target, [0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0], new Uint8Array(512)), 3, 0x11);
    expectCheckCondition(await runScsi(target, [0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], new Uint8Array(512)), 3, 0x0c);
    expectCheckCondition(await runScsi(target, [0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 3, 0x0c);
  });
});

describe('ScsiTarget: reads and writes the disk does now', () => {
  /** Guest memory: a disk's I/O thread serves the one shared buffer it first saw. */
  const memory = new SharedArrayBuffer(512 * 1024);
  let next = 0;
  /** A fresh buffer of `length` bytes in {@link memory}. */
  function shared(length: number): Uint8Array {
    const view = new Uint8Array(memory, next, length);
    next += length;
    return view;
  }

  it('complete without a promise, byte for byte, when the disk serves them synchronously', async () => {
    const { target, disk, path } = await newTarget();
    const source = shared(2048);
    source.set(pattern(2048, 9));
    const writeOutcome = new ScsiOutcome();
    expect(target.execute(scsiRequest(be(be([0x2a, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 4, 40), 7, 2, 4), source), writeOutcome)).toBeUndefined();
    expect(writeOutcome).toMatchObject({ ...GOOD, dataTransferred: 2048 });
    const back = shared(4096).fill(0xcc);
    const readOutcome = new ScsiOutcome();
    expect(target.execute(scsiRequest(be(be([0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 4, 40), 7, 2, 4), back), readOutcome)).toBeUndefined();
    // A buffer longer than the transfer: DATA_OVERRUN, the rest untouched, as through the promise.
    expect(readOutcome).toMatchObject({ scsiStatus: 0, srbStatus: 0x12, dataTransferred: 2048 });
    expect(back.subarray(0, 2048)).toEqual(pattern(2048, 9));
    expect(back.subarray(2048)).toEqual(new Uint8Array(2048).fill(0xcc));
    expect(disk.calls).toEqual([
      { operation: 'write', offset: 40 * 512, length: 2048 },
      { operation: 'read', offset: 40 * 512, length: 2048 },
    ]);
    await disk.close();
    expect((await readFile(path)).subarray(40 * 512, 44 * 512)).toEqual(Buffer.from(pattern(2048, 9)));
  });

  it('go through the promise where the disk cannot serve them now: a read too big to run inline, or a write with FUA', async () => {
    const { target, disk } = await newTarget();
    const outcome = new ScsiOutcome();
    // 256 blocks, 128 KiB: above what the disk's I/O policy runs on the caller's thread.
    const big = target.execute(scsiRequest([0x28, 0, 0, 0, 0, 0, 0, 1, 0, 0], shared(128 * 1024)), outcome);
    expect(big).toBeInstanceOf(Promise);
    await big;
    expect(outcome).toMatchObject(GOOD);
    const fua = target.execute(scsiRequest([0x2a, 0x08, 0, 0, 0, 0, 0, 0, 1, 0], shared(512)), outcome);
    expect(fua).toBeInstanceOf(Promise);
    await fua;
    expect(outcome).toMatchObject(GOOD);
    expect(disk.calls.map((call) => call.operation)).toEqual(['read', 'write', 'flush']);
    await disk.close();
  });

  it('a disk failing synchronously ends in MEDIUM ERROR at once, like a rejected read or write', async () => {
    const { disk: inner } = await newDisk();
    const failing = new (class extends RecordingDisk {
      override readNow(): boolean {
        throw new DiskIoError('failing.img', -5, 'errno -5');
      }
      override writeNow(): boolean {
        throw new DiskIoError('failing.img', -5, 'errno -5');
      }
    })(inner);
    const target = new ScsiTarget(failing, { identifier: ID });
    const outcome = new ScsiOutcome();
    expect(target.execute(scsiRequest([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0], shared(512)), outcome)).toBeUndefined();
    expectCheckCondition(outcome, 3, 0x11);
    expect(target.execute(scsiRequest([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], shared(512)), outcome)).toBeUndefined();
    expectCheckCondition(outcome, 3, 0x0c);
    await inner.close();
  });
});

describe('ScsiTarget: identification and capacity', () => {
  let target: ScsiTarget;
  let disk: VirtualDisk;
  beforeAll(async () => {
    ({ target, disk } = await newTarget());
  });
  afterAll(() => disk.close());

  async function inquiry(evpd: number, page: number, allocation = 255, buffer = allocation): Promise<Uint8Array> {
    const data = new Uint8Array(buffer);
    const outcome = await runScsi(target, [0x12, evpd, page, allocation >> 8, allocation & 0xff, 0], data);
    expect(outcome.scsiStatus).toBe(0);
    return data.subarray(0, outcome.dataTransferred);
  }

  it('answers standard INQUIRY as a Hyper-V virtual disk of SPC-4, cut to the allocation length', async () => {
    const data = await inquiry(0, 0);
    expect(data.length).toBe(36);
    expect(toHex(data.subarray(0, 8))).toBe('00 00 06 02 1f 00 00 02');
    expect(ascii(data.subarray(8, 36))).toBe('Msft    Virtual Disk    1.0 ');
    const outcome = await runScsi(target, [0x12, 0, 0, 0, 5, 0], new Uint8Array(64));
    expect(outcome).toMatchObject({ scsiStatus: 0, srbStatus: 0x12, dataTransferred: 5 });
    expect(await runScsi(target, [0x12, 0, 0, 0, 36, 0], new Uint8Array(36))).toMatchObject({ ...GOOD, dataTransferred: 36 });
  });

  it('lists its VPD pages and gives the serial number and device identifiers from the disk id', async () => {
    expect(toHex(await inquiry(1, 0x00))).toBe('00 00 00 06 00 80 83 b0 b1 b2');
    const serial = await inquiry(1, 0x80);
    expect(toHex(serial.subarray(0, 4))).toBe('00 80 00 20');
    expect(ascii(serial.subarray(4))).toBe('6b1c0a3e2f4d4c5b9a8e1d2c3b4a5f60');
    const ids = await inquiry(1, 0x83);
    expect(toHex(ids.subarray(0, 8))).toBe('00 83 00 38 02 01 00 28');
    expect(ascii(ids.subarray(8, 48))).toBe('Msft    6b1c0a3e2f4d4c5b9a8e1d2c3b4a5f60');
    expect(toHex(ids.subarray(48, 52))).toBe('01 03 00 08');
    expect(ids[52]! >> 4).toBe(3); // NAA locally assigned
    expect(ids.length).toBe(60);
  });

  it('gives block limits, block device characteristics and logical block provisioning with UNMAP', async () => {
    const limits = await inquiry(1, 0xb0);
    expect(limits.length).toBe(64);
    expect(toHex(limits.subarray(0, 8))).toBe('00 b0 00 3c 01 00 00 01');
    expect(toHex(limits.subarray(20, 28))).toBe('00 40 00 00 00 00 01 00');
    expect(toHex(limits.subarray(36, 44))).toBe('00 00 00 00 00 01 00 00');
    expect(toHex((await inquiry(1, 0xb1)).subarray(0, 6))).toBe('00 b1 00 3c 00 01');
    expect(toHex(await inquiry(1, 0xb2))).toBe('00 b2 00 04 00 c4 02 00');
  });

  it('refuses an unknown VPD page, a page code without EVPD and the obsolete CMDDT', async () => {
    for (const cdb of [[0x12, 1, 0x99, 0, 255, 0], [0x12, 0, 0x80, 0, 255, 0], [0x12, 2, 0, 0, 255, 0]]) {
      expectCheckCondition(await runScsi(target, cdb, new Uint8Array(255)), ILLEGAL_REQUEST, 0x24);
    }
  });

  it('READ CAPACITY(10) and (16) give the last LBA and the block size', async () => {
    const ten = new Uint8Array(8);
    expect(await runScsi(target, [0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0], ten)).toMatchObject({ ...GOOD, dataTransferred: 8 });
    expect(toHex(ten)).toBe('00 00 07 ff 00 00 02 00');
    expectCheckCondition(await runScsi(target, [0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0], ten), ILLEGAL_REQUEST, 0x24);
    const sixteen = new Uint8Array(32);
    expect(await runScsi(target, [0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0], sixteen)).toMatchObject({ ...GOOD, dataTransferred: 32 });
    expect(toHex(sixteen.subarray(0, 16))).toBe('00 00 00 00 00 00 07 ff 00 00 02 00 00 00 c0 00');
    expectCheckCondition(await runScsi(target, [0x9e, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0], sixteen), ILLEGAL_REQUEST, 0x24);
  });

  it('MODE SENSE(6) and (10) give the caching page with the write cache enabled', async () => {
    const six = new Uint8Array(255);
    const outcome = await runScsi(target, [0x1a, 0, 0x08, 0, 255, 0], six);
    expect(outcome).toMatchObject({ scsiStatus: 0, srbStatus: 0x12, dataTransferred: 32 });
    // header: length, medium, DPOFUA, descriptor length; short descriptor: blocks, block length; caching page
    expect(toHex(six.subarray(0, 32))).toBe(
      '1f 00 10 08  00 00 08 00 00 00 02 00  08 12 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'.replace(/ {2}/g, ' '),
    );
    const all = new Uint8Array(255);
    expect((await runScsi(target, [0x1a, 0x08, 0x3f, 0, 255, 0], all)).dataTransferred).toBe(24);
    expect(toHex(all.subarray(0, 7))).toBe('17 00 10 00 08 12 04');
    const ten = new Uint8Array(255);
    expect((await runScsi(target, [0x5a, 0x10, 0x3f, 0xff, 0, 0, 0, 0, 255, 0], ten)).dataTransferred).toBe(44);
    expect(toHex(ten.subarray(0, 8))).toBe('00 2a 00 10 01 00 00 10');
    expect(toHex(ten.subarray(8, 24))).toBe('00 00 00 00 00 00 08 00 00 00 00 00 00 00 02 00');
    const changeable = new Uint8Array(255);
    await runScsi(target, [0x1a, 0x08, 0x48, 0, 255, 0], changeable);
    expect(changeable[6]).toBe(0);
  });

  it('MODE SENSE refuses saved values and pages a disk does not have', async () => {
    expectCheckCondition(await runScsi(target, [0x1a, 0, 0xc8, 0, 255, 0], new Uint8Array(255)), ILLEGAL_REQUEST, 0x39);
    expectCheckCondition(await runScsi(target, [0x1a, 0, 0x0a, 0, 255, 0], new Uint8Array(255)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, [0x1a, 0, 0x08, 1, 255, 0], new Uint8Array(255)), ILLEGAL_REQUEST, 0x24);
  });

  it('TEST UNIT READY, START STOP UNIT and REQUEST SENSE end GOOD; REQUEST SENSE has nothing pending', async () => {
    expect(await runScsi(target, [0x00, 0, 0, 0, 0, 0])).toMatchObject({ ...GOOD, dataTransferred: 0, senseLength: 0 });
    expect(await runScsi(target, [0x1b, 0, 0, 0, 1, 0])).toMatchObject(GOOD);
    const sense = new Uint8Array(18);
    expect(await runScsi(target, [0x03, 0, 0, 0, 18, 0], sense)).toMatchObject({ ...GOOD, dataTransferred: 18 });
    expect(toHex(sense)).toBe('70 00 00 00 00 00 00 0a 00 00 00 00 00 00 00 00 00 00');
    expectCheckCondition(await runScsi(target, [0x03, 1, 0, 0, 18, 0], sense), ILLEGAL_REQUEST, 0x24);
  });

  it('VERIFY(10) and (16) without BYTCHK check the range only', async () => {
    expect(await runScsi(target, be(be([0x2f, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 4, 10), 7, 2, 100))).toMatchObject(GOOD);
    expect(await runScsi(target, be(be(new Array(16).fill(0).with(0, 0x8f), 2, 8, BLOCKS - 1), 10, 4, 1))).toMatchObject(GOOD);
    expectCheckCondition(await runScsi(target, be([0x2f, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 4, BLOCKS)), ILLEGAL_REQUEST, 0x21);
    expectCheckCondition(await runScsi(target, [0x2f, 0x02, 0, 0, 0, 0, 0, 0, 1, 0], new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
  });
});

describe('ScsiTarget: cache, unmap and write same', () => {
  it('SYNCHRONIZE CACHE(10) and (16) flush the disk, after checking the range', async () => {
    const { target, disk } = await newTarget();
    expect(await runScsi(target, [0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toMatchObject(GOOD);
    expect(await runScsi(target, be(new Array(16).fill(0).with(0, 0x91), 2, 8, 5))).toMatchObject(GOOD);
    expectCheckCondition(await runScsi(target, be(new Array(16).fill(0).with(0, 0x91), 2, 8, BLOCKS)), ILLEGAL_REQUEST, 0x21);
    expect(disk.calls.map((call) => call.operation)).toEqual(['flush', 'flush']);
    await disk.close();
  });

  /** An UNMAP parameter list of `descriptors` [lba, blocks]. */
  function unmapList(descriptors: Array<[number, number]>): Uint8Array {
    const list = new Uint8Array(8 + 16 * descriptors.length);
    be(list as unknown as number[], 0, 2, 6 + 16 * descriptors.length);
    be(list as unknown as number[], 2, 2, 16 * descriptors.length);
    for (const [index, [lba, blocks]] of descriptors.entries()) {
      be(list as unknown as number[], 8 + 16 * index, 8, lba);
      be(list as unknown as number[], 16 + 16 * index, 4, blocks);
    }
    return list;
  }

  it('UNMAP deallocates every range of its parameter list: they read as zeros', async () => {
    const { target, disk } = await newTarget();
    await runScsi(target, [0x2a, 0, 0, 0, 0, 0, 0, 0, 16, 0], pattern(16 * 512, 9));
    const list = unmapList([[2, 3], [10, 0], [12, 4]]);
    expect(await runScsi(target, [0x42, 0, 0, 0, 0, 0, 0, 0, list.length, 0], list)).toMatchObject({ ...GOOD, dataTransferred: list.length });
    expect(disk.calls.filter((call) => call.operation === 'unmap')).toEqual([
      { operation: 'unmap', offset: 1024, length: 1536 },
      { operation: 'unmap', offset: 6144, length: 2048 },
    ]);
    const back = new Uint8Array(16 * 512);
    await runScsi(target, [0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0], back);
    const expected = pattern(16 * 512, 9);
    expected.fill(0, 1024, 2560);
    expected.fill(0, 6144, 8192);
    expect(back).toEqual(expected);
    await disk.close();
  });

  it('UNMAP validates its parameter list before deallocating anything', async () => {
    const { target, disk } = await newTarget();
    const outOfRange = unmapList([[0, 1], [BLOCKS - 1, 2]]);
    expectCheckCondition(await runScsi(target, [0x42, 0, 0, 0, 0, 0, 0, 0, outOfRange.length, 0], outOfRange), ILLEGAL_REQUEST, 0x21);
    const tooMany = unmapList(Array.from({ length: 257 }, (_, index): [number, number] => [index, 1]));
    expectCheckCondition(await runScsi(target, be([0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0], 7, 2, tooMany.length), tooMany), ILLEGAL_REQUEST, 0x26);
    const tooLong = unmapList([[0, 0x40_0001]]);
    expectCheckCondition(await runScsi(target, [0x42, 0, 0, 0, 0, 0, 0, 0, tooLong.length, 0], tooLong), ILLEGAL_REQUEST, 0x26);
    expectCheckCondition(await runScsi(target, [0x42, 0, 0, 0, 0, 0, 0, 0, 7, 0], new Uint8Array(7)), ILLEGAL_REQUEST, 0x1a);
    expectCheckCondition(await runScsi(target, [0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0], new Uint8Array(16)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, [0x42, 1, 0, 0, 0, 0, 0, 0, 24, 0], unmapList([[0, 1]])), ILLEGAL_REQUEST, 0x24);
    // A descriptor cut short by the block descriptor data length is ignored.
    const cut = unmapList([[0, 1], [1, 1]]);
    cut[3] = 16 + 8;
    expect(await runScsi(target, [0x42, 0, 0, 0, 0, 0, 0, 0, cut.length, 0], cut)).toMatchObject(GOOD);
    expect(disk.calls).toEqual([{ operation: 'unmap', offset: 0, length: 512 }]);
    expect(await runScsi(target, [0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toMatchObject(GOOD);
    await disk.close();
  });

  it('without unmap, UNMAP is an unknown command and VPD 0xB2 and READ CAPACITY(16) say so', async () => {
    const { target, disk } = await newTarget({ unmap: false });
    const list = unmapList([[0, 1]]);
    expectCheckCondition(await runScsi(target, [0x42, 0, 0, 0, 0, 0, 0, 0, list.length, 0], list), ILLEGAL_REQUEST, 0x20);
    const page = new Uint8Array(8);
    await runScsi(target, [0x12, 1, 0xb2, 0, 8, 0], page);
    expect(toHex(page)).toBe('00 b2 00 04 00 00 00 00');
    const capacity = new Uint8Array(32);
    await runScsi(target, [0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0], capacity);
    expect(capacity[14]).toBe(0);
    expectCheckCondition(await runScsi(target, [0x93, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0], new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
    expect(disk.calls).toEqual([]);
    await disk.close();
  });

  it('WRITE SAME(16) replicates its block over the range, or deallocates it with UNMAP and a zero block', async () => {
    const { target, disk } = await newTarget({ sizeBytes: 4 * SIZE });
    const block = pattern(512, 5);
    const cdb = be(be(new Array(16).fill(0).with(0, 0x93), 2, 8, 20), 10, 4, 2100);
    expect(await runScsi(target, cdb, block)).toMatchObject({ ...GOOD, dataTransferred: 512 });
    const back = new Uint8Array(2102 * 512);
    const read = be(be(new Array(16).fill(0).with(0, 0x88), 2, 8, 19), 10, 4, 2102);
    await runScsi(target, read, back);
    const expected = new Uint8Array(back.length);
    for (let at = 512; at < back.length - 512; at += 512) expected.set(block, at);
    expect(back).toEqual(expected);
    expect(disk.calls.filter((call) => call.operation === 'write')).toEqual([
      { operation: 'write', offset: 20 * 512, length: 1024 * 1024 },
      { operation: 'write', offset: 20 * 512 + 1024 * 1024, length: 52 * 512 },
    ]);

    const unmap = be(be(new Array(16).fill(0).with(0, 0x93).with(1, 0x08), 2, 8, 20), 10, 4, 10);
    expect(await runScsi(target, unmap, new Uint8Array(512))).toMatchObject(GOOD);
    expect(disk.calls.at(-1)).toEqual({ operation: 'unmap', offset: 20 * 512, length: 10 * 512 });
    expect(await runScsi(target, unmap, block)).toMatchObject(GOOD); // not zeros: written
    expect(disk.calls.at(-1)).toEqual({ operation: 'write', offset: 20 * 512, length: 10 * 512 });
    await disk.close();
  });

  it('WRITE SAME(16) refuses zero blocks, too many, NDOB, ANCHOR, a short buffer and a range beyond the disk', async () => {
    const { target, disk } = await newTarget();
    const base = (): number[] => be(new Array(16).fill(0).with(0, 0x93), 10, 4, 1);
    expectCheckCondition(await runScsi(target, be(base(), 10, 4, 0), new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, be(base(), 10, 4, 0x1_0001), new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, base().with(1, 0x01), new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, base().with(1, 0x10), new Uint8Array(512)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, base(), new Uint8Array(100)), ILLEGAL_REQUEST, 0x24);
    expectCheckCondition(await runScsi(target, be(base(), 2, 8, BLOCKS), new Uint8Array(512)), ILLEGAL_REQUEST, 0x21);
    expect(disk.calls).toEqual([]);
    await disk.close();
  });
});

describe('ScsiTarget: a read-only disk', () => {
  it('reads, refuses writes, UNMAP and WRITE SAME with DATA PROTECT / WRITE PROTECTED, and reports WP', async () => {
    const { target, disk } = await newTarget({ readOnly: true });
    expect(await runScsi(target, [0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0], new Uint8Array(512))).toMatchObject(GOOD);
    expectCheckCondition(await runScsi(target, [0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], new Uint8Array(512)), 7, 0x27);
    expectCheckCondition(await runScsi(target, [0x0a, 0, 0, 0, 1, 0], new Uint8Array(512)), 7, 0x27);
    expectCheckCondition(await runScsi(target, be(new Array(16).fill(0).with(0, 0x93), 10, 4, 1), new Uint8Array(512)), 7, 0x27);
    expectCheckCondition(await runScsi(target, [0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0], new Uint8Array(24)), 7, 0x27);
    const mode = new Uint8Array(4);
    await runScsi(target, [0x1a, 0x08, 0x08, 0, 4, 0], mode);
    expect(mode[2]).toBe(0x90); // WP, DPOFUA
    const page = new Uint8Array(8);
    await runScsi(target, [0x12, 1, 0xb2, 0, 8, 0], page);
    expect(page[5]).toBe(0);
    expect(disk.calls.map((call) => call.operation)).toEqual(['read']);
    await disk.close();
  });

  it('refuses an identifier that is not a GUID', async () => {
    const { disk } = await newDisk();
    expect(() => new ScsiTarget(disk, { identifier: 'disk-1' })).toThrow(RangeError);
    await disk.close();
  });
});

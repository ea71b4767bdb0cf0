import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { ChannelClosedError, ChannelStatus } from '@tsvisor/device-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { StorvscDriver, type StorvscDriverOptions } from '../../guest/storvsc-driver.js';
import type { StorvscController } from '../../guest/storvsc-controller.js';
import { ScsiCommandError } from '../../guest/scsi-command-error.js';
import {
  AdditionalSense,
  SRB_STATUS_AUTOSENSE_VALID,
  ScsiOpcode,
  ScsiStatus,
  SenseKey,
  SrbStatus,
  VmscsiDataDirection,
  VmscsiRequest,
  VstorOperation,
  VstorSrbPacket,
  VstorStatus,
  VstorVersion,
} from '../../protocol/index.js';
import { DiskFormatRegistry } from '../disk/disk-format-registry.js';
import { RawDiskFormat } from '../disk/raw/raw-disk-format.js';
import { VhdxDiskFormat } from '../disk/vhdx/vhdx-disk-format.js';
import { StorageVspFactory } from './storage-vsp-factory.js';
import type { StorageVsp } from './storage-vsp.js';

const SECTOR = 512;
/** The test bed's guest memory: rings in pages 0–63, then 16 free pages. */
const IO_PAGES = 8;
/** Pages the tests point raw requests at (outside the driver's pool). */
const RAW_PFN = 72;

let bed: DeviceTestBed<StorvscController> | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A raw disk image of `sectors` sectors, each filled with its own number (mod 251). */
async function image(name: string, sectors: number): Promise<string> {
  dir ??= await mkdtemp(join(tmpdir(), 'storvsp-'));
  const bytes = new Uint8Array(sectors * SECTOR);
  for (let s = 0; s < sectors; s++) bytes.fill(s % 251, s * SECTOR, (s + 1) * SECTOR);
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function connect(config: unknown, driver: StorvscDriverOptions = {}): Promise<DeviceTestBed<StorvscController>> {
  const factory = new StorageVspFactory(new DiskFormatRegistry([new RawDiskFormat()]));
  bed = await connectDevice({ factory, driver: new StorvscDriver({ ioPages: IO_PAGES, ...driver }), config });
  return bed;
}

/** A raw vstor packet of `operation`, with an SRB built from `srb` when given. */
function packet(operation: number, srb: Partial<VmscsiRequest> = {}, cdb: number[] = []): Uint8Array {
  const bytes = new Uint8Array(64);
  const cdbOrSense = new Uint8Array(20);
  cdbOrSense.set(cdb);
  VstorSrbPacket.write(new DataView(bytes.buffer), 0, {
    operation: operation as VstorSrbPacket['operation'],
    flags: 1,
    status: 0,
    srb: {
      length: 52,
      srbStatus: 0,
      scsiStatus: 0,
      portNumber: 0,
      pathId: 0,
      targetId: 0,
      lun: 0,
      cdbLength: cdb.length,
      senseInfoLength: 20,
      dataIn: VmscsiDataDirection.NONE,
      dataTransferLength: 0,
      cdbOrSense,
      queueTag: 0,
      queueAction: 0,
      srbFlags: 0,
      timeoutValue: 0,
      queueSortKey: 0,
      ...srb,
    },
  } as VstorSrbPacket);
  return bytes;
}

/** READ(10) of `blocks` sectors from `lba`. */
function read10(lba: number, blocks: number): number[] {
  return [ScsiOpcode.READ_10, 0, (lba >>> 24) & 0xff, (lba >>> 16) & 0xff, (lba >>> 8) & 0xff, lba & 0xff, 0, (blocks >>> 8) & 0xff, blocks & 0xff, 0];
}

/** The completion of a raw request, read field by field (it echoes whatever the guest sent). */
interface Reply {
  readonly status: number;
  readonly srbStatus: number;
  readonly scsiStatus: number;
  readonly dataTransferLength: number;
  readonly sense: Uint8Array;
}

const SRB = VstorSrbPacket.offsetOf('srb');

/** Sends `payload` on the guest end of the bed and returns the completion. */
async function send(payload: Uint8Array, gpaRanges?: { byteOffset: number; byteCount: number; pfns: number[] }[], length?: number): Promise<Reply> {
  const { payload: reply } = await firstValueFrom(bed!.guest.request({ payload, ...(length === undefined ? {} : { length }), ...(gpaRanges ? { gpaRanges } : {}) }));
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  return {
    status: view.getUint32(8, true),
    srbStatus: view.getUint8(SRB + VmscsiRequest.offsetOf('srbStatus')),
    scsiStatus: view.getUint8(SRB + VmscsiRequest.offsetOf('scsiStatus')),
    dataTransferLength: view.getUint32(SRB + VmscsiRequest.offsetOf('dataTransferLength'), true),
    sense: reply.slice(SRB + VmscsiRequest.offsetOf('cdbOrSense'), SRB + VmscsiRequest.offsetOf('cdbOrSense') + 20),
  };
}

describe('storvsp over the test bed', () => {
  it('brings the channel up at the newest version and reports the disk by REPORT LUNS, READ CAPACITY and INQUIRY', async () => {
    const path = await image('a.raw', 64);
    const { device, vsp } = await connect({ disks: [{ lun: 3, path }], subChannels: 2, maxTransferBytes: '64K' });
    expect(device.protocolVersion).toBe(VstorVersion.WIN10);
    expect(device.maxTransferBytes).toBe(64 * 1024);
    expect(device.disks.map((d) => d.lun)).toEqual([3]);
    const disk = device.disk(3)!;
    expect(disk.sizeBytes).toBe(64 * SECTOR);
    expect(disk.sectorSize).toBe(SECTOR);
    expect(disk.vendor.length).toBeGreaterThan(0);
    expect((vsp as StorageVsp).initialization.ready).toBe(true);
  });

  it('settles on an older version when the guest offers only that, and answers an unknown one REVISION_MISMATCH', async () => {
    const path = await image('a.raw', 16);
    const { device } = await connect({ disks: [{ lun: 0, path }] }, { versions: [0x0700 as VstorVersion, VstorVersion.WIN7] });
    expect(device.protocolVersion).toBe(VstorVersion.WIN7);
    const target = new Uint8Array(2 * SECTOR);
    await device.disk(0)!.read(4, target);
    expect(target[0]).toBe(4);
    expect(target[SECTOR]).toBe(5);
  });

  it('reads and writes the image through GPA-direct pages, many requests in flight', async () => {
    const path = await image('a.raw', 256);
    const { device, vsp } = await connect({ disks: [{ lun: 0, path }] });
    const disk = device.disk(0)!;
    const writes = Array.from({ length: 32 }, (_, i) => disk.write(100 + i, new Uint8Array(SECTOR).fill(200 + (i % 50))));
    await Promise.all(writes);
    await disk.flush();
    const file = await readFile(path);
    for (let i = 0; i < 32; i++) expect(file[(100 + i) * SECTOR + 7]).toBe(200 + (i % 50));
    expect(file[99 * SECTOR]).toBe(99);
    const back = new Uint8Array(32 * SECTOR);
    await disk.read(100, back);
    expect(back[31 * SECTOR]).toBe(200 + 31);
    await disk.trim(10, 2);
    expect((await readFile(path))[10 * SECTOR + 5]).toBe(0);
    // 32 writes and the UNMAP parameter list.
    expect((vsp as StorageVsp).counters()).toMatchObject({ writes: 33, failedRequests: 0, inFlight: 0 });
  });

  it('lends buffers in guest memory that the host reads into and writes from in place', async () => {
    const path = await image('a.raw', 256);
    const { device, vsp } = await connect({ disks: [{ lun: 0, path }] });
    const disk = device.disk(0)!;
    const readsBefore = (vsp as StorageVsp).counts.reads;
    const buffer = await device.allocateBuffer(3 * SECTOR);
    expect(buffer.pageCount).toBe(1);
    expect(buffer.bytes.buffer).toBe(bed!.memory.buffer);
    const view = buffer.bytes.subarray(0, 2 * SECTOR);
    expect(await disk.read(40, view)).toBe(2 * SECTOR);
    expect([view[0], view[SECTOR]]).toEqual([40, 41]);
    view.fill(0xab);
    expect(await disk.write(7, view)).toBe(2 * SECTOR);
    await disk.flush();
    expect((await readFile(path)).subarray(7 * SECTOR, 9 * SECTOR).every((byte) => byte === 0xab)).toBe(true);
    // Lent pages are out of the pool until given back: the rest of the pool is all a request gets.
    const rest = await device.allocateBuffer((IO_PAGES - 1) * 4096);
    let second = false;
    const waiting = device.allocateBuffer(4096).then((pages) => {
      second = true;
      return pages;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second).toBe(false);
    device.releaseBuffer(buffer);
    device.releaseBuffer(await waiting);
    device.releaseBuffer(rest);
    await expect(device.allocateBuffer(0)).rejects.toThrow(RangeError);
    await expect(device.allocateBuffer((IO_PAGES + 1) * 4096)).rejects.toThrow(RangeError);
    expect((vsp as StorageVsp).counters()).toMatchObject({ reads: readsBefore + 1, writes: 1, failedRequests: 0 });
  });

  it('answers bring-up messages out of order with an error status and counts them', async () => {
    const path = await image('a.raw', 16);
    const { vsp } = await connect({ disks: [{ lun: 0, path }] });
    const before = (vsp as StorageVsp).counts.outOfOrder;
    expect((await send(packet(VstorOperation.BEGIN_INITIALIZATION))).status).toBe(VstorStatus.UNSUCCESSFUL);
    expect((await send(packet(VstorOperation.END_INITIALIZATION))).status).toBe(VstorStatus.UNSUCCESSFUL);
    expect((vsp as StorageVsp).counts.outOfOrder).toBe(before + 2);
  });

  it('refuses hostile packets with the right status and serves on', async () => {
    const path = await image('a.raw', 16);
    const { vsp, device } = await connect({ disks: [{ lun: 0, path }], maxTransferBytes: '8K' });
    const counts = (vsp as StorageVsp).counts;
    // An unknown operation.
    const unknown = packet(VstorOperation.RESET_BUS);
    new DataView(unknown.buffer).setUint32(0, 99, true);
    expect((await send(unknown)).status).toBe(VstorStatus.UNSUCCESSFUL);
    // A truncated packet.
    expect((await send(packet(VstorOperation.EXECUTE_SRB), undefined, 16)).status).toBe(VstorStatus.UNSUCCESSFUL);
    // cdb_length above 16.
    const longCdb = packet(VstorOperation.EXECUTE_SRB, {}, read10(0, 1));
    longCdb[SRB + VmscsiRequest.offsetOf('cdbLength')] = 17;
    expect((await send(longCdb)).srbStatus).toBe(SrbStatus.INVALID_REQUEST);
    expect(counts.malformedPackets).toBe(3);
    // data_transfer_length beyond the GPA range.
    const beyond = await send(packet(VstorOperation.EXECUTE_SRB, { dataIn: VmscsiDataDirection.READ, dataTransferLength: 2 * SECTOR }, read10(0, 2)), [
      { byteOffset: 0, byteCount: SECTOR, pfns: [RAW_PFN] },
    ]);
    expect(beyond.srbStatus).toBe(SrbStatus.INVALID_REQUEST);
    // More than the transfer limit.
    const tooLong = await send(packet(VstorOperation.EXECUTE_SRB, { dataIn: VmscsiDataDirection.READ, dataTransferLength: 16 * 1024 }, read10(0, 16)), [
      { byteOffset: 0, byteCount: 16 * 1024, pfns: [RAW_PFN, RAW_PFN + 1, RAW_PFN + 2, RAW_PFN + 3] },
    ]);
    expect(tooLong.srbStatus).toBe(SrbStatus.INVALID_REQUEST);
    // PFNs outside guest memory.
    const outside = await send(packet(VstorOperation.EXECUTE_SRB, { dataIn: VmscsiDataDirection.READ, dataTransferLength: SECTOR }, read10(0, 1)), [
      { byteOffset: 0, byteCount: SECTOR, pfns: [1_000_000] },
    ]);
    expect(outside.srbStatus).toBe(SrbStatus.INVALID_REQUEST);
    expect(counts.badDataBuffers).toBe(3);
    // An LBA past the end: CHECK CONDITION, ILLEGAL REQUEST / LBA OUT OF RANGE.
    const past = await send(packet(VstorOperation.EXECUTE_SRB, { dataIn: VmscsiDataDirection.READ, dataTransferLength: SECTOR }, read10(16, 1)), [
      { byteOffset: 0, byteCount: SECTOR, pfns: [RAW_PFN] },
    ]);
    expect(past.srbStatus).toBe(SrbStatus.ERROR | SRB_STATUS_AUTOSENSE_VALID);
    expect(past.scsiStatus).toBe(ScsiStatus.CHECK_CONDITION);
    expect(past.sense[2]! & 0x0f).toBe(SenseKey.ILLEGAL_REQUEST);
    expect((past.sense[12]! << 8) | past.sense[13]!).toBe(AdditionalSense.LBA_OUT_OF_RANGE);
    // An unknown LUN.
    const noLun = await send(packet(VstorOperation.EXECUTE_SRB, { lun: 9 }, [ScsiOpcode.TEST_UNIT_READY, 0, 0, 0, 0, 0]));
    expect(noLun.srbStatus).toBe(SrbStatus.INVALID_LUN);
    // The channel still serves the driver.
    const target = new Uint8Array(SECTOR);
    await device.disk(0)!.read(3, target);
    expect(target[0]).toBe(3);
    expect(bed!.host.state).toBe('open');
  });

  it('keeps a bounded number of requests in flight under a flood and completes every one', async () => {
    const path = await image('a.raw', 64);
    const { vsp } = await connect({ disks: [{ lun: 0, path }] });
    const flood = Array.from({ length: 600 }, (_, i) =>
      send(packet(VstorOperation.EXECUTE_SRB, { dataIn: VmscsiDataDirection.READ, dataTransferLength: SECTOR }, read10(i % 64, 1)), [
        { byteOffset: 0, byteCount: SECTOR, pfns: [RAW_PFN + (i % 8)] },
      ]),
    );
    const replies = await Promise.all(flood);
    expect(replies.every((reply) => reply.srbStatus === SrbStatus.SUCCESS && reply.dataTransferLength === SECTOR)).toBe(true);
    expect((vsp as StorageVsp).counters()).toMatchObject({ inFlight: 0, failedRequests: 0 });
  });

  it('fails writes to a read-only disk with DATA PROTECT', async () => {
    const path = await image('ro.raw', 16);
    const { device } = await connect({ disks: [{ lun: 0, path, readOnly: true }] });
    const error = await device.disk(0)!.write(0, new Uint8Array(SECTOR)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScsiCommandError);
    expect((error as ScsiCommandError).senseKey).toBe(SenseKey.DATA_PROTECT);
    expect((await readFile(path))[0]).toBe(0);
  });

  it('adds and removes disks at run time and the guest rescans', async () => {
    const first = await image('a.raw', 16);
    const second = await image('b.raw', 32);
    const { device, vsp } = await connect({ disks: [{ lun: 0, path: first }] });
    const storage = vsp as StorageVsp;
    const added = firstValueFrom(device.changes$);
    await storage.addDisk({ lun: 5, path: second });
    expect(await added).toMatchObject({ kind: 'added', disk: { lun: 5, sizeBytes: 32 * SECTOR } });
    const removed = firstValueFrom(device.changes$);
    expect(await storage.removeDisk(0)).toBe(true);
    expect((await removed).kind).toBe('removed');
    expect(device.disks.map((d) => d.lun)).toEqual([5]);
  });

  it('offers the sub-channels the guest asks for, within what it promised', async () => {
    const path = await image('a.raw', 16);
    const { vsp } = await connect({ disks: [{ lun: 0, path }], subChannels: 2 }, { subChannels: 0 });
    const ask = (count: number): Uint8Array => {
      const bytes = packet(VstorOperation.CREATE_SUB_CHANNELS);
      new DataView(bytes.buffer).setUint16(12, count, true);
      return bytes;
    };
    expect((await send(ask(3))).status).toBe(VstorStatus.UNSUCCESSFUL);
    expect((await send(ask(2))).status).toBe(VstorStatus.SUCCESS);
    expect((vsp as StorageVsp).counts.subChannelsOffered).toBe(2);
  });
});

describe('storvsp sub-channels (multi-queue) over the test bed', () => {
  it('opens the sub-channels the driver asks for and spreads I/O over every channel', async () => {
    const path = await image('a.raw', 256);
    const { device, vsp } = await connect({ disks: [{ lun: 0, path }], subChannels: 4 });
    expect(await device.subChannelsOpened).toBe(3);
    expect(device.channelCount).toBe(4);
    expect(bed!.subChannels.map((s) => s.subChannelIndex)).toEqual([1, 2, 3]);
    const disk = device.disk(0)!;
    const before = bed!.host.counters().completionsSent;
    const readsBefore = (vsp as StorageVsp).counts.reads;
    const reads = Array.from({ length: 64 }, (_, i) => {
      const target = new Uint8Array(SECTOR);
      return disk.read(i, target).then(() => target[0]);
    });
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    // The VSP's end of each channel completed some of them; no channel carried them all.
    const perChannel = [bed!.host.counters().completionsSent - before, ...bed!.subChannels.map((s) => s.host.counters().completionsSent)];
    expect(perChannel.every((n) => n > 0 && n < 64)).toBe(true);
    expect(perChannel.slice(1)).toEqual(device.requestsPerChannel().slice(1));
    expect((vsp as StorageVsp).counters()).toMatchObject({ subChannelsOffered: 3, reads: readsBefore + 64, failedRequests: 0, inFlight: 0 });
  });

  it('asks for no more sub-channels than the host allows, and for none without multi-channel', async () => {
    const path = await image('a.raw', 16);
    const two = await connect({ disks: [{ lun: 0, path }], subChannels: 2 }, { subChannels: 5 });
    expect(await two.device.subChannelsOpened).toBe(2);
    expect((two.vsp as StorageVsp).counts.subChannelsOffered).toBe(2);
    await two.close();
    const none = await connect({ disks: [{ lun: 0, path }], subChannels: 0 });
    expect(await none.device.subChannelsOpened).toBe(0);
    expect(none.device.channelCount).toBe(1);
    const win7 = await connect({ disks: [{ lun: 0, path }], subChannels: 4 }, { versions: [VstorVersion.WIN7] });
    expect(win7.device.maxSubChannels).toBe(0);
    expect(await win7.device.subChannelsOpened).toBe(0);
    await none.close();
  });

  it('keeps to the primary in poll mode unless told otherwise: a VP spins on one queue at a time', async () => {
    const path = await image('a.raw', 16);
    const polled = await connect({ disks: [{ lun: 0, path }], subChannels: 4, poll: true }, { poll: true });
    expect(polled.device.maxSubChannels).toBe(4);
    expect(await polled.device.subChannelsOpened).toBe(0);
    expect(polled.device.channelCount).toBe(1);
    const data = await polled.device.allocateBuffer(4096);
    expect(await polled.device.disk(0)!.read(0, data.bytes)).toBe(4096);
    await polled.close();
    const asked = await connect({ disks: [{ lun: 0, path }], subChannels: 4, poll: true }, { poll: true, subChannels: 2 });
    expect(await asked.device.subChannelsOpened).toBe(2);
    await asked.close();
  });

  it('revokes every channel on hot-rescind with I/O in flight, fails what was in flight, and the VSP goes idle', async () => {
    const path = await image('a.raw', 64);
    const { device, vsp } = await connect({ disks: [{ lun: 0, path }] });
    expect(await device.subChannelsOpened).toBe(3);
    const guests = [bed!.guest, ...bed!.subChannels.map((s) => s.guest)];
    const hosts = [bed!.host, ...bed!.subChannels.map((s) => s.host)];
    const changes = lastValueFrom(device.changes$.pipe(toArray()));
    const disk = device.disk(0)!;
    const reads = Array.from({ length: 16 }, (_, i) => disk.read(i, new Uint8Array(SECTOR)).then(() => 'done', (error: unknown) => error));
    await bed!.rescind();
    expect(guests.map((c) => c.state)).toEqual([ChannelStatus.Revoked, ChannelStatus.Revoked, ChannelStatus.Revoked, ChannelStatus.Revoked]);
    expect(hosts.map((c) => c.state)).toEqual([ChannelStatus.Revoked, ChannelStatus.Revoked, ChannelStatus.Revoked, ChannelStatus.Revoked]);
    expect(bed!.subChannels).toEqual([]);
    expect(await changes).toEqual([]);
    const outcomes = await Promise.all(reads);
    expect(outcomes.every((o) => o === 'done' || o instanceof ChannelClosedError)).toBe(true);
    await expect(disk.read(0, new Uint8Array(SECTOR))).rejects.toBeInstanceOf(ChannelClosedError);
    await bed!.close();
    bed = undefined;
    expect((vsp as StorageVsp).counters()).toMatchObject({ inFlight: 0, disks: 0 });
  });
});

describe('storage.scsi configuration', () => {
  it('names the field of a LUN used twice, and lists the files a VM needs', async () => {
    const factory = new StorageVspFactory(new DiskFormatRegistry([new RawDiskFormat()]));
    expect(() => factory.deviceClass.config.parse({ disks: [{ lun: 1, path: '/a' }, { lun: 1, path: '/b' }] }, 'config')).toThrow(
      expect.objectContaining({ field: 'config.disks[1].lun' }) as Error,
    );
    expect(() => factory.deviceClass.config.parse({ disks: [{ lun: 0, path: 'relative.vhdx' }] }, 'config')).toThrow(
      expect.objectContaining({ field: 'config.disks[0].path' }) as Error,
    );
    const config = factory.deviceClass.config.parse({ disks: [{ lun: 0, path: '/a' }, { lun: 1, path: '/b', readOnly: true }] });
    expect(await factory.fileAccess(config)).toEqual({ read: ['/a', '/b'], write: ['/a'] });
  });

  it("lists a differencing image's parents among the files to read, nearest first", async () => {
    const images = await mkdtemp(join(tmpdir(), 'tsvisor-storage-parents-'));
    try {
      const vhdx = new VhdxDiskFormat();
      const base = join(images, 'base.vhdx');
      const middle = join(images, 'middle.vhdx');
      const child = join(images, 'child.vhdx');
      await vhdx.create(base, { sizeBytes: 8 * 1024 * 1024 });
      await vhdx.create(middle, { sizeBytes: 8 * 1024 * 1024, parent: base });
      await vhdx.create(child, { sizeBytes: 8 * 1024 * 1024, parent: middle });
      const factory = new StorageVspFactory(new DiskFormatRegistry([vhdx, new RawDiskFormat()]));
      const config = factory.deviceClass.config.parse({ disks: [{ lun: 0, path: child }, { lun: 1, path: base, readOnly: true }] });
      expect(await factory.fileAccess(config)).toEqual({ read: [child, middle, base, base], write: [child] });
    } finally {
      await rm(images, { recursive: true, force: true });
    }
  });
});

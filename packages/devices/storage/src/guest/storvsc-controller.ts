import type { Channel } from '@tsvisor/device-sdk';
import type { VscContext } from '@tsvisor/device-sdk/guest';
import { decodeUtf8 } from '@tsvisor/wire';
import { Subject, type Observable } from 'rxjs';
import { SERVICE_ACTION_READ_CAPACITY_16, ScsiOpcode, VmscsiDataDirection, VstorOperation, type VstorVersion } from '../protocol/index.js';
import { GUEST_PAGE_SIZE, type IoPagePool, type IoPages } from './io-page-pool.js';
import { ScsiBlockDevice, type BlockDeviceIdentity } from './scsi-block-device.js';
import { StorvscChannel } from './storvsc-channel.js';
import { StorvscQueues } from './storvsc-queues.js';

/** A disk came (at boot or hot-added) or went (hot-removed). */
export interface BlockDeviceChange {
  readonly kind: 'added' | 'removed';
  readonly disk: ScsiBlockDevice;
}

/** REPORT LUNS answers for at most this many LUNs (one page). */
const REPORT_LUNS_BYTES = GUEST_PAGE_SIZE;
const TWO_32 = 0x1_0000_0000;

/**
 * A synthetic SCSI controller as the guest program sees it (the device the storvsc driver
 * presents): a block device per LUN, found with REPORT LUNS, READ CAPACITY(16) and INQUIRY, and
 * found again whenever the host says its bus changed (ENUMERATE_BUS, REMOVE_DEVICE). I/O starts
 * on the primary channel and spreads over the sub-channels as they open ({@link openSubChannels}).
 */
export class StorvscController {
  private readonly units = new Map<number, ScsiBlockDevice>();
  private readonly changes = new Subject<BlockDeviceChange>();
  private scanning: Promise<void> = Promise.resolve();
  /** Disks added and removed after the controller came up. */
  readonly changes$: Observable<BlockDeviceChange> = this.changes.asObservable();
  /** Bus rescans the host asked for. */
  rescans = 0;
  /**
   * Resolves with the number of sub-channels opened by {@link openSubChannels} (0 until it is
   * called, or if the host refused). Never rejects.
   */
  subChannelsOpened: Promise<number> = Promise.resolve(0);
  private readonly storvsc: StorvscChannel;
  private readonly queues: StorvscQueues;

  constructor(
    channel: Channel,
    private readonly pool: IoPagePool,
  ) {
    this.storvsc = new StorvscChannel(channel);
    this.queues = new StorvscQueues(this.storvsc);
    channel.packets$.subscribe({
      next: (packet) => {
        const payload = packet.payload();
        if (payload.length < 4) return;
        const operation = new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0, true);
        if (operation === VstorOperation.ENUMERATE_BUS || operation === VstorOperation.REMOVE_DEVICE) {
          this.rescans++;
          void this.scan();
        }
      },
      error: () => this.changes.complete(),
      complete: () => this.changes.complete(),
    });
  }

  /** The negotiated protocol version (`major << 8 | minor`). */
  get protocolVersion(): number {
    return this.storvsc.version;
  }

  /** Largest transfer of one request, as the host said. */
  get maxTransferBytes(): number {
    return this.storvsc.properties.maxTransferBytes;
  }

  /** Sub-channels the host lets the guest ask for (0 without multi-channel). */
  get maxSubChannels(): number {
    return this.storvsc.properties.maxSubChannels;
  }

  /** Channels I/O spreads over: the primary and the sub-channels open so far. */
  get channelCount(): number {
    return this.queues.count;
  }

  /** SCSI requests the host answered, per channel: the primary, then the sub-channels. */
  requestsPerChannel(): number[] {
    return this.queues.requestsPerChannel();
  }

  /** The disks present, by increasing LUN. */
  get disks(): ScsiBlockDevice[] {
    return [...this.units.values()].sort((a, b) => a.lun - b.lun);
  }

  /** The disk at `lun`, if there is one. */
  disk(lun: number): ScsiBlockDevice | undefined {
    return this.units.get(lun);
  }

  /**
   * Lends a buffer in guest memory of at least `bytes` (whole pages, from the controller's I/O
   * pages): its `bytes` view, or any part of it, is read into and written from in place by the
   * host, without the copy through I/O pages that an ordinary buffer costs both ways (the
   * buffers of `O_DIRECT`). Waits while no run of pages that long is free. The same pages carry
   * ordinary buffers' data meanwhile, so hold few and {@link releaseBuffer} them when done.
   * Rejects with a RangeError for a size of no pages, or more than the controller has.
   */
  allocateBuffer(bytes: number): Promise<IoPages> {
    return this.pool.allocate(Math.ceil(bytes / GUEST_PAGE_SIZE));
  }

  /** Gives back a buffer from {@link allocateBuffer} (no request may be using it any more). */
  releaseBuffer(buffer: IoPages): void {
    this.pool.release(buffer);
  }

  /** Brings the channel up, trying `versions` newest first, and finds the disks. */
  async start(versions?: readonly VstorVersion[]): Promise<void> {
    await this.storvsc.initialize(versions);
    await this.scan();
  }

  /**
   * Asks the host for `count` sub-channels (CREATE_SUB_CHANNELS, after the bring-up) and adds them to
   * the I/O queues once all are open; {@link subChannelsOpened} says how many. Does not wait: I/O
   * goes on over the primary meanwhile, and stays there if the host refuses.
   */
  openSubChannels(count: number, open: VscContext['openSubChannels']): void {
    this.subChannelsOpened = open(count, () => this.storvsc.createSubChannels(count)).then(
      (channels) => {
        for (const channel of channels) this.queues.add(this.storvsc.subChannel(channel));
        return channels.length;
      },
      () => 0,
    );
  }

  /** Finds the disks anew (serialized: a scan asked for during one runs after it). */
  scan(): Promise<void> {
    this.scanning = this.scanning.then(() => this.rescan()).catch(() => undefined);
    return this.scanning;
  }

  private async rescan(): Promise<void> {
    const luns = new Set(await this.reportLuns());
    for (const [lun, disk] of this.units) {
      if (luns.has(lun)) continue;
      this.units.delete(lun);
      disk.present = false;
      this.changes.next({ kind: 'removed', disk });
    }
    for (const lun of luns) {
      if (this.units.has(lun)) continue;
      const disk = new ScsiBlockDevice(this.queues, this.pool, lun, await this.identify(lun));
      this.units.set(lun, disk);
      this.changes.next({ kind: 'added', disk });
    }
  }

  private async reportLuns(): Promise<number[]> {
    const cdb = new Uint8Array(12);
    cdb[0] = ScsiOpcode.REPORT_LUNS;
    new DataView(cdb.buffer).setUint32(6, REPORT_LUNS_BYTES);
    const reply = await this.command(0, cdb, REPORT_LUNS_BYTES);
    const listLength = Math.min(reply.getUint32(0), reply.byteLength - 8);
    const luns: number[] = [];
    // Single-level peripheral addressing: the LUN is byte 1 of each 8-byte entry.
    for (let at = 8; at + 8 <= 8 + listLength; at += 8) luns.push(reply.getUint8(at + 1));
    return luns;
  }

  private async identify(lun: number): Promise<BlockDeviceIdentity> {
    const capacityCdb = new Uint8Array(16);
    capacityCdb[0] = ScsiOpcode.SERVICE_ACTION_IN_16;
    capacityCdb[1] = SERVICE_ACTION_READ_CAPACITY_16;
    capacityCdb[13] = 32;
    const capacity = await this.command(lun, capacityCdb, 32);
    const lastLba = capacity.getUint32(0) * TWO_32 + capacity.getUint32(4);
    const inquiryCdb = new Uint8Array(6);
    inquiryCdb[0] = ScsiOpcode.INQUIRY;
    inquiryCdb[4] = 36;
    const inquiry = await this.command(lun, inquiryCdb, 36);
    const text = (from: number, to: number): string => decodeUtf8(new Uint8Array(inquiry.buffer, inquiry.byteOffset + from, to - from)).trim();
    return { vendor: text(8, 16), product: text(16, 32), blockCount: lastLba + 1, sectorSize: capacity.getUint32(8) };
  }

  /** Runs a command that reads up to `length` bytes; returns a copy of them. */
  private async command(lun: number, cdb: Uint8Array, length: number): Promise<DataView> {
    const pages = await this.pool.allocate(Math.ceil(length / GUEST_PAGE_SIZE));
    try {
      pages.bytes.fill(0, 0, length);
      await this.queues.execute(lun, cdb, { gpa: pages.firstPfn * GUEST_PAGE_SIZE, length, direction: VmscsiDataDirection.READ });
      return new DataView(pages.bytes.slice(0, length).buffer);
    } finally {
      this.pool.release(pages);
    }
  }
}

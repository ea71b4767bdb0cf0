import type { Channel } from '@tsvisor/device-sdk';
import { ChannelVsp, type VspContext } from '@tsvisor/device-sdk/host';
import { VstorOperation, VstorStatus } from '../../protocol/index.js';
import { STORAGE_MAX_LUN, type StorageConfig, type StorageDiskConfig } from '../../storage-class.js';
import type { DiskFormatRegistry } from '../disk/disk-format-registry.js';
import { ScsiController } from '../scsi/scsi-controller.js';
import { ScsiTarget } from '../scsi/scsi-target.js';
import { StorvspChannel, type StorvspDevice } from './storvsp-channel.js';
import { emptyStorvspCounters, type StorvspCounters } from './storvsp-counters.js';
import { StorvspInitialization } from './storvsp-initialization.js';

/**
 * The storage VSP (storvsp, PROTOCOLS.md §3): a synthetic SCSI controller whose logical units are
 * the VM's disk images. It opens the images on start (closing them on stop), serves the primary
 * channel and the sub-channels the guest asks for, and adds and removes disks at run time,
 * telling the guest to rescan its bus.
 */
export class StorageVsp extends ChannelVsp<StorageConfig> implements StorvspDevice {
  readonly controller = new ScsiController();
  readonly counts: StorvspCounters = emptyStorvspCounters();
  readonly maxTransferBytes: number;
  readonly subChannels: number;
  initialization = new StorvspInitialization();
  private readonly servers = new Map<Channel, StorvspChannel>();
  /** The configuration each attached disk was opened with, by LUN. */
  private readonly attached = new Map<number, StorageDiskConfig>();
  private readonly ending = new Set<StorvspChannel>();
  private primary: StorvspChannel | undefined;
  private offeredSubChannels = 0;

  constructor(
    context: VspContext<StorageConfig>,
    private readonly formats: DiskFormatRegistry,
  ) {
    super(context);
    this.maxTransferBytes = context.config.maxTransferBytes;
    this.subChannels = context.config.subChannels;
  }

  /** Poll mode on the host end of the channels, as configured. */
  protected override get poll(): boolean {
    return this.context.config.poll ?? false;
  }

  /** LUNs with a disk. */
  get luns(): number[] {
    return this.controller.luns;
  }

  /** The disks attached now, by LUN: their configuration and what their images say. */
  disks(): { readonly lun: number; readonly path: string; readonly format: string; readonly sizeBytes: number; readonly sectorSize: number; readonly readOnly: boolean }[] {
    return this.controller.luns.map((lun) => {
      const { disk } = this.controller.unit(lun)!;
      return { lun, path: this.attached.get(lun)?.path ?? '', format: disk.format, sizeBytes: disk.sizeBytes, sectorSize: disk.sectorSize, readOnly: disk.readOnly };
    });
  }

  /** Opens every configured disk, then offers the primary channel. Closes what it opened if one fails. */
  override async start(): Promise<void> {
    try {
      for (const disk of this.context.config.disks) await this.attach(disk);
    } catch (error) {
      await this.closeDisks();
      throw error;
    }
    super.start();
  }

  /**
   * Adds a disk at run time: opens the image, puts it at its LUN and tells the guest to rescan.
   * @throws RangeError - for a LUN outside 0–63 or already in use; the image's open error otherwise.
   */
  async addDisk(disk: StorageDiskConfig): Promise<void> {
    if (!Number.isInteger(disk.lun) || disk.lun < 0 || disk.lun > STORAGE_MAX_LUN) throw new RangeError(`LUN ${disk.lun} is not in 0–${STORAGE_MAX_LUN}`);
    if (this.controller.unit(disk.lun)) throw new RangeError(`LUN ${disk.lun} already has a disk`);
    await this.attach(disk);
    this.counts.hotAdds++;
    await this.notify(VstorOperation.ENUMERATE_BUS);
  }

  /**
   * Removes the disk at `lun` at run time: the guest is told to rescan, and the image is closed
   * once the requests in flight to it are done. Returns false if there was none.
   */
  async removeDisk(lun: number): Promise<boolean> {
    const unit = this.controller.detach(lun);
    if (!unit) return false;
    this.attached.delete(lun);
    this.counts.hotRemoves++;
    await this.notify(VstorOperation.REMOVE_DEVICE);
    await Promise.all([...this.servers.values(), ...this.ending].map((server) => server.idle(unit)));
    await unit.disk.close();
    return true;
  }

  /** A snapshot of the counters, with the disks attached and the requests in flight. */
  counters(): Readonly<Record<string, number>> {
    let inFlight = 0;
    for (const server of this.servers.values()) inFlight += server.inFlight;
    return { ...this.counts, disks: this.controller.luns.length, inFlight };
  }

  /** CREATE_SUB_CHANNELS: offers `count` more sub-channels, within what QUERY_PROPERTIES promised. */
  createSubChannels(count: number): number {
    if (!this.initialization.win8 || count < 1 || this.offeredSubChannels + count > this.subChannels) {
      this.counts.malformedPackets++;
      return VstorStatus.UNSUCCESSFUL;
    }
    for (let i = 0; i < count; i++) {
      this.offerChannel(++this.offeredSubChannels);
      this.counts.subChannelsOffered++;
    }
    return VstorStatus.SUCCESS;
  }

  protected onOpen(channel: Channel, subChannelIndex: number): void {
    const primary = subChannelIndex === 0;
    // A primary opened anew (the guest's driver reloaded) starts its bring-up over.
    if (primary) this.initialization = new StorvspInitialization();
    const server = new StorvspChannel(channel, this, primary);
    this.servers.set(channel, server);
    if (primary) this.primary = server;
  }

  protected onClose(channel: Channel): void {
    this.retire(channel);
  }

  /** Waits for requests in flight on every channel, then closes the images. */
  protected async onStop(): Promise<void> {
    for (const channel of [...this.servers.keys()]) this.retire(channel);
    await Promise.all([...this.ending].map((server) => server.idle()));
    await this.closeDisks();
  }

  /** Stops serving `channel`; its requests in flight finish (and are waited for on stop). */
  private retire(channel: Channel): void {
    const server = this.servers.get(channel);
    if (!server) return;
    server.close();
    this.servers.delete(channel);
    if (this.primary === server) this.primary = undefined;
    this.ending.add(server);
    void server.idle().then(() => this.ending.delete(server));
  }

  private async attach(disk: StorageDiskConfig): Promise<void> {
    const options = { readOnly: disk.readOnly ?? false };
    const image = disk.format === undefined ? await this.formats.open(disk.path, options) : await this.formats.byName(disk.format).open(disk.path, options);
    try {
      this.controller.attach(disk.lun, new ScsiTarget(image, { identifier: unitIdentifier(this.context.instanceId, disk.lun) }));
      this.attached.set(disk.lun, disk);
    } catch (error) {
      await image.close();
      throw error;
    }
  }

  private async closeDisks(): Promise<void> {
    const units = this.controller.luns.map((lun) => this.controller.detach(lun)!);
    this.attached.clear();
    await Promise.all(units.map((unit) => unit.disk.close()));
  }

  /** Tells the guest to rescan, if its driver is up. */
  private async notify(operation: VstorOperation): Promise<void> {
    if (!this.primary || !this.initialization.ready) return;
    try {
      await this.primary.notify(operation);
    } catch {
      // The channel closed meanwhile: the guest scans the bus anew when it opens it again.
    }
  }
}

/** A GUID naming the disk at `lun` of the device `instanceId`: the instance id with the LUN folded into its last byte. */
function unitIdentifier(instanceId: string, lun: number): string {
  const last = (parseInt(instanceId.slice(-2), 16) ^ lun).toString(16).padStart(2, '0');
  return `${instanceId.slice(0, -2)}${last}`;
}

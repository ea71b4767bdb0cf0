import { SubChannels, type VscDriver } from '@tsvisor/device-sdk/guest';
import { GuestVmbus, PAGE_SIZE, type GuestOffer, type GuestOpenOptions, type VpEnvironment } from '@tsvisor/vmbus';
import { DeviceRegistry } from './device-registry.js';
import { GuestClock } from './guest-clock.js';
import { GuestConsole } from './guest-console.js';
import type { Machine } from './machine.js';

/** Options of {@link GuestKernel}. */
export interface GuestKernelOptions {
  /** The VSC drivers to bind offers to, by interface type. */
  readonly drivers: readonly VscDriver[];
  /** Guest pages for VMBus rings. Default: RAM from 1 MiB (or a quarter of RAM) to its end. */
  readonly arena?: { readonly firstPfn: number; readonly pageCount: number };
}

/**
 * The guest kernel (DESIGN §5): brings VMBus up, binds a VSC driver to each offer of its
 * interface type as offers arrive (hot-add included) and unbinds it on rescind, keeps the device
 * registry, and gives the program its {@link Machine}. A driver that fails to bind is reported
 * on the console and counted; the other devices go on. Sub-channel offers are not bound: they go
 * to the driver of their primary when it asks for them (`VscContext.openSubChannels`), and the
 * kernel closes those still open when the primary goes.
 */
export class GuestKernel {
  readonly devices = new DeviceRegistry();
  readonly console: GuestConsole;
  readonly vmbus: GuestVmbus;
  readonly machine: Machine;
  private readonly drivers = new Map<string, VscDriver>();
  private readonly binding = new Set<Promise<void>>();
  /** The sub-channels of each bound (or binding) device, by its primary's relid. */
  private readonly subChannels = new Map<number, SubChannels>();
  /** Offers no driver claimed. */
  unclaimedOffers = 0;
  /** Drivers whose `bind` failed. */
  bindFailures = 0;

  constructor(
    readonly vp: VpEnvironment,
    options: GuestKernelOptions,
  ) {
    for (const driver of options.drivers) {
      const type = driver.deviceClass.interfaceType.toLowerCase();
      const other = this.drivers.get(type);
      if (other) throw new Error(`drivers ${other.deviceClass.id} and ${driver.deviceClass.id} both claim interface ${type}`);
      this.drivers.set(type, driver);
    }
    const ramPages = Math.floor(vp.reservedFirstGpa / PAGE_SIZE);
    const firstPfn = Math.min(256, Math.floor(ramPages / 4));
    this.vmbus = new GuestVmbus(vp, { arena: options.arena ?? { firstPfn, pageCount: ramPages - firstPfn } });
    this.console = new GuestConsole(vp);
    this.machine = { devices: this.devices, console: this.console, vpIndex: vp.vpIndex, clock: new GuestClock() };
  }

  /** Connects VMBus and binds the drivers of every offer present at boot; resolves when they are bound. */
  async start(): Promise<void> {
    this.vmbus.offers$.subscribe((offer) => this.track(this.bind(offer)));
    this.vmbus.rescinds$.subscribe((offer) => this.track(this.unbind(offer)));
    await this.vmbus.connect();
    while (this.binding.size !== 0) await Promise.all(this.binding);
  }

  private track(work: Promise<void>): void {
    this.binding.add(work);
    void work.finally(() => this.binding.delete(work));
  }

  private async bind(offer: GuestOffer): Promise<void> {
    // Sub-channels belong to their primary's driver, which asks for them (openSubChannels).
    if (offer.subChannelIndex !== 0) return;
    const driver = this.drivers.get(offer.interfaceType);
    if (!driver) {
      this.unclaimedOffers++;
      return;
    }
    const settings = driver.deviceClass.channel ?? {};
    const openOptions: GuestOpenOptions = {
      ...(settings.ringPages !== undefined ? { ringPages: settings.ringPages } : {}),
      ...(settings.maxCompletionSize !== undefined ? { maxCompletionSize: settings.maxCompletionSize } : {}),
    };
    const vmbus = this.vmbus;
    // Sub-channels are opened as the driver opened the primary (poll mode included).
    let primaryOptions = openOptions;
    const subChannels = new SubChannels(
      {
        offers: vmbus.offers,
        offers$: vmbus.offers$,
        rescinds$: vmbus.rescinds$,
        open: (subChannel) => vmbus.open(subChannel, primaryOptions),
        close: (channel) => vmbus.close(channel),
      },
      offer,
    );
    this.subChannels.set(offer.relid, subChannels);
    try {
      const device = await driver.bind({
        offer,
        open: (options) => {
          primaryOptions = options?.poll ? { ...openOptions, poll: true } : openOptions;
          return vmbus.open(offer, primaryOptions);
        },
        openSubChannels: (count, request) => subChannels.open(count, request),
        allocatePages: (count) => vmbus.allocatePages(count),
        releasePages: (firstPfn, count) => vmbus.releasePages(firstPfn, count),
        createGpadl: (firstPfn, pageCount) => vmbus.createGpadl(offer, firstPfn, pageCount),
        teardownGpadl: (gpadl) => vmbus.teardownGpadl(gpadl),
      });
      if (!vmbus.offers.has(offer.relid)) {
        // Rescinded while binding.
        await this.releaseSubChannels(offer.relid, () => driver.unbind?.(device));
        return;
      }
      this.devices.add({ classId: driver.deviceClass.id, instanceId: offer.interfaceInstance, offer, device });
    } catch (error) {
      this.bindFailures++;
      await this.releaseSubChannels(offer.relid);
      this.console.log(`${driver.deviceClass.id}: driver failed to bind: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async unbind(offer: GuestOffer): Promise<void> {
    const bound = this.devices.remove(offer.relid);
    if (!bound) return;
    try {
      await this.releaseSubChannels(offer.relid, () => this.drivers.get(offer.interfaceType)?.unbind?.(bound.device));
    } catch (error) {
      this.console.log(`${bound.classId}: driver failed to unbind: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Closes the sub-channels of the device with primary `relid` and fails its waiting requests for
   * more; runs `unbind` once they are closed on this side (while CLOSECHANNEL and GPADL teardown
   * are still under way with the host).
   */
  private async releaseSubChannels(relid: number, unbind?: () => void | Promise<void>): Promise<void> {
    const released = this.subChannels.get(relid)?.release() ?? Promise.resolve();
    this.subChannels.delete(relid);
    try {
      await unbind?.();
    } finally {
      await released;
    }
  }
}

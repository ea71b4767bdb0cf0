import { GuestMemory, PAGE_SIZE } from '@tsvisor/hypervisor-core';
import { GuestPageArena, HostChannelOffer, type Channel, type GuestOffer, type HostOfferSpec } from '@tsvisor/vmbus';
import { createChannelPair, type ChannelPair } from '@tsvisor/vmbus/testing';
import type { Guid } from '@tsvisor/wire';
import type { VscDriver } from '../guest/vsc-driver.js';
import type { Vsp, VspBus, VspFactory } from '../host/vsp.js';

/** Options of {@link connectDevice}. */
export interface DeviceTestBedOptions<Config, Device> {
  /** The host side under test. */
  readonly factory: VspFactory<Config>;
  /** The guest side under test. */
  readonly driver: VscDriver<Device>;
  /** The device's configuration, before validation (the class schema parses it). Default `{}`. */
  readonly config?: unknown;
  readonly instanceId?: Guid;
  readonly vmName?: string;
  /** Guest pages the driver may borrow with `allocatePages` (default {@link DEFAULT_DRIVER_PAGES}). */
  readonly driverPages?: number;
}

/** Guest pages a test bed lends its driver by default: 256 KiB. */
export const DEFAULT_DRIVER_PAGES = 64;

/** A VSP and a VSC connected over real rings in one process; see {@link connectDevice}. */
export interface DeviceTestBed<Device> {
  readonly vsp: Vsp;
  /** What the driver's `bind` resolved with: the device a guest program would see. */
  readonly device: Device;
  /** The channels of the primary offer: host end (the VSP's) and guest end (the VSC's). */
  readonly host: Channel;
  readonly guest: Channel;
  readonly memory: GuestMemory;
  /** Rescinds the device: the channels are revoked and the driver unbound. */
  rescind(): Promise<void>;
  /** Stops the VSP and closes everything. */
  close(): Promise<void>;
}

/**
 * The SDK's test bed (DESIGN §5): creates the VSP from `factory` with a validated config, lets it
 * offer its channel, binds `driver` to that offer, and connects the two over real rings in a real
 * `GuestMemory`, all in this thread (signals arrive like interrupts, on a later turn). Plugin
 * authors test their protocol with it before booting a partition.
 *
 * ```ts
 * const bed = await connectDevice({ factory: new EchoVspFactory(), driver: new EchoDriver() });
 * expect(await bed.device.echo('hi')).toBe('hi');
 * await bed.close();
 * ```
 */
export async function connectDevice<Config, Device>(options: DeviceTestBedOptions<Config, Device>): Promise<DeviceTestBed<Device>> {
  const { factory, driver } = options;
  const deviceClass = factory.deviceClass;
  if (driver.deviceClass.interfaceType !== deviceClass.interfaceType) {
    throw new Error(`driver ${driver.deviceClass.id} does not drive class ${deviceClass.id} (interface types differ)`);
  }
  const ringPages = deviceClass.channel?.ringPages ?? 16;
  const driverPages = options.driverPages ?? DEFAULT_DRIVER_PAGES;
  const memory = new GuestMemory((2 * ringPages + 16 + driverPages) * PAGE_SIZE);
  const arena = new GuestPageArena(memory.buffer, 2 * ringPages + 16, driverPages);
  const offers: HostChannelOffer[] = [];
  let relid = 0;
  const bus: VspBus = {
    offer(spec: HostOfferSpec): HostChannelOffer {
      const offer = new HostChannelOffer(++relid, spec, (o) => revoke(o));
      offers.push(offer);
      return offer;
    },
  };
  const pairs = new Map<HostChannelOffer, ChannelPair>();
  const revoke = (offer: HostChannelOffer): void => {
    const pair = pairs.get(offer);
    pair?.host.revoke();
    pair?.guest.revoke();
    offer.attach(undefined);
    offer.end();
  };
  const vsp = factory.create({
    deviceClass,
    config: deviceClass.config.parse(options.config ?? {}, 'config'),
    instanceId: options.instanceId ?? '00000000-0000-4000-8000-000000000001',
    vmName: options.vmName ?? 'test-bed',
    vmbus: bus,
  });
  await vsp.start();
  const primary = offers.find((o) => (o.spec.subChannelIndex ?? 0) === 0);
  if (!primary) throw new Error(`the VSP of ${deviceClass.id} offered no primary channel on start()`);
  const guestOffer: GuestOffer = {
    relid: primary.relid,
    interfaceType: primary.spec.interfaceType,
    interfaceInstance: primary.spec.interfaceInstance,
    subChannelIndex: 0,
    channelFlags: primary.spec.channelFlags ?? 0,
    mmioMegabytes: primary.spec.mmioMegabytes ?? 0,
    userDefined: primary.spec.userDefined ?? new Uint8Array(120),
    connectionId: 0x10000 + primary.relid,
  };
  const open = async (): Promise<Channel> => {
    if (pairs.has(primary)) throw new Error('the test bed opens the primary channel once');
    const pair = createChannelPair({
      ringPages,
      memory,
      host: primary.spec.maxCompletionSize !== undefined ? { maxCompletionSize: primary.spec.maxCompletionSize } : {},
      guest: deviceClass.channel?.maxCompletionSize !== undefined ? { maxCompletionSize: deviceClass.channel.maxCompletionSize } : {},
    });
    pairs.set(primary, pair);
    primary.attach(pair.host);
    return pair.guest;
  };
  const device = await driver.bind({
    offer: guestOffer,
    open,
    allocatePages: (count) => arena.allocate(count),
    releasePages: (firstPfn, count) => arena.release(firstPfn, count),
  });
  const pair = pairs.get(primary);
  if (!pair) throw new Error(`driver ${driver.deviceClass.id} did not open its channel in bind()`);
  let unbound = false;
  const unbind = async (): Promise<void> => {
    if (unbound) return;
    unbound = true;
    await driver.unbind?.(device);
  };
  return {
    vsp,
    device,
    host: pair.host,
    guest: pair.guest,
    memory,
    rescind: async () => {
      primary.rescind();
      await unbind();
    },
    close: async () => {
      await unbind();
      await vsp.stop();
      for (const { host, guest } of pairs.values()) {
        host.close();
        guest.close();
      }
    },
  };
}

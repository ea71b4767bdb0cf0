import { GuestMemory, PAGE_SIZE } from '@tsvisor/hypervisor-core';
import { GuestPageArena, HostChannelOffer, type Channel, type GpadlPages, type GuestOffer, type HostOfferSpec } from '@tsvisor/vmbus';
import { createChannelPair, type ChannelPair } from '@tsvisor/vmbus/testing';
import type { Guid } from '@tsvisor/wire';
import { Subject } from 'rxjs';
import { SubChannels } from '../guest/sub-channels.js';
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
  /** Sub-channels the driver may have open at once: their rings are set aside in guest memory (default {@link DEFAULT_SUB_CHANNEL_RINGS}). */
  readonly subChannelRings?: number;
}

/** Guest pages a test bed lends its driver by default: 256 KiB. */
export const DEFAULT_DRIVER_PAGES = 64;

/** Sub-channels a test bed can have open at once by default. */
export const DEFAULT_SUB_CHANNEL_RINGS = 4;

/** One sub-channel the driver opened on a test bed: its index and its two ends. */
export interface TestBedSubChannel {
  readonly subChannelIndex: number;
  /** The VSP's end. */
  readonly host: Channel;
  /** The driver's end. */
  readonly guest: Channel;
}
/** A VSP and a VSC connected over real rings in one process; see {@link connectDevice}. */
export interface DeviceTestBed<Device> {
  readonly vsp: Vsp;
  /** What the driver's `bind` resolved with: the device a guest program would see. */
  readonly device: Device;
  /** The channels of the primary offer: host end (the VSP's) and guest end (the VSC's). */
  readonly host: Channel;
  readonly guest: Channel;
  /** The sub-channels the driver has open now, by sub-channel index. */
  readonly subChannels: readonly TestBedSubChannel[];
  readonly memory: GuestMemory;
  /** Rescinds the device, sub-channels included: the channels are revoked and the driver unbound. */
  rescind(): Promise<void>;
  /** Stops the VSP and closes everything. */
  close(): Promise<void>;
}

/**
 * The SDK's test bed (DESIGN §5): creates the VSP from `factory` with a validated config, lets it
 * offer its channel, binds `driver` to that offer, and connects the two over real rings in a real
 * `GuestMemory`, all in this thread (signals arrive like interrupts, on a later turn). Sub-channels
 * the VSP offers (when the driver asks with `openSubChannels`) are opened over rings of their own
 * in the same memory. Plugin authors test their protocol with it before booting a partition.
 *
 * Guest memory: the primary's rings from page 0, 16 free pages for raw requests, the driver's
 * pages, then the sub-channels' rings.
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
  const subChannelPages = 2 * ringPages * (options.subChannelRings ?? DEFAULT_SUB_CHANNEL_RINGS);
  const firstDriverPfn = 2 * ringPages + 16;
  const memory = new GuestMemory((firstDriverPfn + driverPages + subChannelPages) * PAGE_SIZE);
  const arena = new GuestPageArena(memory.buffer, firstDriverPfn, driverPages);
  const ringArena = subChannelPages > 0 ? new GuestPageArena(memory.buffer, firstDriverPfn + driverPages, subChannelPages) : undefined;
  const offers: HostChannelOffer[] = [];
  /** The offers the guest has seen and the host has not withdrawn, by relid. */
  const guestOffers = new Map<number, GuestOffer>();
  const withdrawn = new Set<HostChannelOffer>();
  const offered = new Subject<GuestOffer>();
  const rescinded = new Subject<GuestOffer>();
  let relid = 0;
  const bus: VspBus = {
    offer(spec: HostOfferSpec): HostChannelOffer {
      const offer = new HostChannelOffer(++relid, spec, (o) => revoke(o));
      offers.push(offer);
      // An offer reaches the guest later, as a message would (the VSP subscribes to it first).
      setImmediate(() => {
        if (withdrawn.has(offer)) return;
        const guestOffer = toGuestOffer(offer);
        guestOffers.set(offer.relid, guestOffer);
        offered.next(guestOffer);
      });
      return offer;
    },
  };
  /** The open channel pairs, by offer; sub-channel rings have a first PFN to give back. */
  const pairs = new Map<HostChannelOffer, ChannelPair & { readonly firstPfn?: number }>();
  const unpair = (offer: HostChannelOffer): void => {
    const pair = pairs.get(offer);
    if (!pair) return;
    pairs.delete(offer);
    if (pair.firstPfn !== undefined) ringArena?.release(pair.firstPfn, 2 * ringPages);
  };
  const revoke = (offer: HostChannelOffer): void => {
    if (withdrawn.has(offer)) return;
    withdrawn.add(offer);
    const pair = pairs.get(offer);
    pair?.host.revoke();
    pair?.guest.revoke();
    if ((offer.spec.subChannelIndex ?? 0) !== 0) unpair(offer);
    offer.attach(undefined);
    offer.end();
    const guestOffer = guestOffers.get(offer.relid);
    guestOffers.delete(offer.relid);
    if (guestOffer) rescinded.next(guestOffer);
  };
  /** The GPADLs the driver made for its buffers (the test bed has no control plane: a table stands for it). */
  const gpadls = new Map<number, GpadlPages>();
  let lastGpadl = 0x1000;
  const connect = (offer: HostChannelOffer, firstPfn?: number): ChannelPair => {
    const pair = createChannelPair({
      ringPages,
      memory,
      ...(firstPfn !== undefined ? { firstPfn } : {}),
      host: {
        gpadls: (handle) => gpadls.get(handle),
        ...(offer.spec.maxCompletionSize !== undefined ? { maxCompletionSize: offer.spec.maxCompletionSize } : {}),
      },
      guest: deviceClass.channel?.maxCompletionSize !== undefined ? { maxCompletionSize: deviceClass.channel.maxCompletionSize } : {},
    });
    pairs.set(offer, firstPfn !== undefined ? { ...pair, firstPfn } : pair);
    offer.attach(pair.host);
    return pair;
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
  const subChannels = new SubChannels(
    {
      offers: guestOffers,
      offers$: offered.asObservable(),
      rescinds$: rescinded.asObservable(),
      open: async (guestOffer) => {
        const offer = offers.find((o) => o.relid === guestOffer.relid);
        if (!offer || withdrawn.has(offer)) throw new Error(`sub-channel offer ${guestOffer.relid} was rescinded`);
        if (pairs.has(offer)) throw new Error(`sub-channel ${guestOffer.subChannelIndex} is open already`);
        if (!ringArena) throw new RangeError('the test bed has no rings for sub-channels (subChannelRings is 0)');
        return connect(offer, ringArena.allocate(2 * ringPages)).guest;
      },
      close: async (channel) => {
        const entry = [...pairs].find(([, pair]) => pair.guest === channel);
        if (!entry) return;
        const [offer, pair] = entry;
        pair.guest.close();
        pair.host.close();
        unpair(offer);
      },
    },
    toGuestOffer(primary),
  );
  const open = async (): Promise<Channel> => {
    if (pairs.has(primary)) throw new Error('the test bed opens the primary channel once');
    return connect(primary).guest;
  };
  let device: Device;
  try {
    device = await driver.bind({
      offer: toGuestOffer(primary),
      open,
      openSubChannels: (count, request) => subChannels.open(count, request),
      allocatePages: (count) => arena.allocate(count),
      releasePages: (firstPfn, count) => arena.release(firstPfn, count),
      createGpadl: (firstPfn, pageCount) => {
        const lastPfn = firstDriverPfn + driverPages;
        if (!(Number.isInteger(firstPfn) && Number.isInteger(pageCount) && pageCount >= 1 && firstPfn >= firstDriverPfn && firstPfn + pageCount <= lastPfn)) {
          return Promise.reject(new RangeError(`pages ${firstPfn}+${pageCount} are not the driver's pages ${firstDriverPfn}..${lastPfn - 1}`));
        }
        const handle = ++lastGpadl;
        gpadls.set(handle, { pfns: Array.from({ length: pageCount }, (_, i) => firstPfn + i), byteOffset: 0, byteCount: pageCount * PAGE_SIZE });
        return Promise.resolve(handle);
      },
      teardownGpadl: (gpadl) => {
        gpadls.delete(gpadl);
        return Promise.resolve();
      },
    });
  } catch (error) {
    await subChannels.release();
    await vsp.stop();
    throw error;
  }
  const pair = pairs.get(primary);
  if (!pair) throw new Error(`driver ${driver.deviceClass.id} did not open its channel in bind()`);
  let unbound = false;
  const unbind = async (): Promise<void> => {
    if (unbound) return;
    unbound = true;
    const released = subChannels.release();
    await driver.unbind?.(device);
    await released;
  };
  return {
    vsp,
    device,
    host: pair.host,
    guest: pair.guest,
    get subChannels(): TestBedSubChannel[] {
      return [...pairs]
        .filter(([offer]) => (offer.spec.subChannelIndex ?? 0) !== 0)
        .map(([offer, { host, guest }]) => ({ subChannelIndex: offer.spec.subChannelIndex ?? 0, host, guest }))
        .sort((a, b) => a.subChannelIndex - b.subChannelIndex);
    },
    memory,
    rescind: async () => {
      // Hyper-V withdraws a device's sub-channels with it.
      for (const offer of [...offers].reverse()) offer.rescind();
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

/** The offer as the driver sees it. */
function toGuestOffer(offer: HostChannelOffer): GuestOffer {
  const { spec } = offer;
  return {
    relid: offer.relid,
    interfaceType: spec.interfaceType.toLowerCase(),
    interfaceInstance: spec.interfaceInstance.toLowerCase(),
    subChannelIndex: spec.subChannelIndex ?? 0,
    channelFlags: spec.channelFlags ?? 0,
    mmioMegabytes: spec.mmioMegabytes ?? 0,
    userDefined: spec.userDefined ?? new Uint8Array(120),
    connectionId: 0x10000 + offer.relid,
  };
}

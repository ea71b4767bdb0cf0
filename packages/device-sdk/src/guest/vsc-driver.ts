import type { Channel, GuestOffer } from '@tsvisor/vmbus';
import type { ServiceIdentifier } from 'inversify';
import type { DeviceClass } from '../device-class.js';

/** What a VSC driver gets when the guest kernel binds it to an offer. */
export interface VscContext {
  /** The offer it was bound to (interface type = its class's). */
  readonly offer: GuestOffer;
  /**
   * Opens the offer's channel with the class's channel settings; `poll` puts this end in poll mode
   * (spin briefly for the host's answers before sleeping, DESIGN §4).
   */
  open(options?: { readonly poll?: boolean }): Promise<Channel>;
  /**
   * Opens `count` sub-channels of the device (multi-queue, PROTOCOLS.md §2), as Hyper-V does it:
   * `request` asks the host with the device's own protocol (storvsc: CREATE_SUB_CHANNELS) and
   * resolves once the host accepted; the host then offers sub-channels with this device's instance
   * GUID and sub-channel indexes from 1, and each is opened, with the class's channel settings, as
   * its offer arrives. Resolves with the channels in sub-channel index order; each has its own
   * rings, transaction ids and flow control. Sub-channels already offered and not yet taken count
   * first (then `request` runs only if more are needed).
   *
   * Rejects with what `request` or an open threw (the sub-channels this call opened are closed
   * again), or with a `SubChannelsUnavailableError` if the device is rescinded meanwhile. A host that
   * accepts and never offers leaves the promise pending until the device goes (a driver that must
   * not depend on the host for that starts on the primary and adds sub-channels as they open).
   * Sub-channels still open when the device is unbound are closed by the kernel.
   */
  openSubChannels(count: number, request: () => Promise<void>): Promise<Channel[]>;
  /**
   * Lends `count` contiguous zeroed pages of guest RAM to the driver, for data the host reads and
   * writes in place (GPA-direct buffers); returns the first PFN. They come from the same pages as
   * VMBus rings: a RangeError says none that long are free. Give them back with {@link releasePages}.
   */
  allocatePages(count: number): number;
  /** Returns pages lent by {@link allocatePages}. */
  releasePages(firstPfn: number, count: number): void;
  /**
   * Describes `pageCount` pages from `firstPfn` (pages lent by {@link allocatePages}) to the host
   * as a GPADL of this device and resolves with its handle once the host has accepted it; the
   * device's protocol then names the buffer by that handle (netvsc: SEND_RECV_BUF). The host finds
   * it with `Channel.gpadl(handle)` on any channel of the device.
   */
  createGpadl(firstPfn: number, pageCount: number): Promise<number>;
  /** Tears down a GPADL made by {@link createGpadl}; resolves once the host has let go of it. */
  teardownGpadl(gpadl: number): Promise<void>;
}

/**
 * The guest side of a device class (DESIGN §5): the guest kernel binds it to each offer of its
 * interface type, and the object `bind` resolves with is the device the guest program sees.
 * `unbind` runs when the host rescinds the device (its channel is already revoked then).
 */
export interface VscDriver<Device = unknown> {
  readonly deviceClass: Pick<DeviceClass, 'id' | 'interfaceType' | 'displayName' | 'channel'>;
  bind(context: VscContext): Promise<Device>;
  unbind?(device: Device): void | Promise<void>;
}

/** Contribution point: each plugin's guest module binds its drivers here (multi-injected by the guest kernel). */
export const VscDriverContribution: ServiceIdentifier<VscDriver> = Symbol.for('@tsvisor/device-sdk/VscDriver');

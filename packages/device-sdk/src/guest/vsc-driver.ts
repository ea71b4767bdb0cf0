import type { Channel, GuestOffer } from '@tsvisor/vmbus';
import type { ServiceIdentifier } from 'inversify';
import type { DeviceClass } from '../device-class.js';

/** What a VSC driver gets when the guest kernel binds it to an offer. */
export interface VscContext {
  /** The offer it was bound to (interface type = its class's). */
  readonly offer: GuestOffer;
  /** Opens the offer's channel with the class's channel settings. */
  open(): Promise<Channel>;
  /**
   * Lends `count` contiguous zeroed pages of guest RAM to the driver, for data the host reads and
   * writes in place (GPA-direct buffers); returns the first PFN. They come from the same pages as
   * VMBus rings: a RangeError says none that long are free. Give them back with {@link releasePages}.
   */
  allocatePages(count: number): number;
  /** Returns pages lent by {@link allocatePages}. */
  releasePages(firstPfn: number, count: number): void;
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

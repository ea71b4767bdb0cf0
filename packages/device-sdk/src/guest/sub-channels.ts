import type { Channel, GuestOffer } from '@tsvisor/vmbus';
import { Subscription, type Observable } from 'rxjs';

/** Sub-channels one device may ask for: the wire field is a u16, VMBus hosts offer far fewer. */
export const MAX_SUB_CHANNELS = 256;

/**
 * What {@link SubChannels} needs of the guest's VMBus: the offers, and open/close with the primary's
 * channel settings. The guest kernel adapts its `GuestVmbus`; the SDK test bed its in-process bus.
 */
export interface SubChannelBus {
  /** Offers known now, by relid. */
  readonly offers: ReadonlyMap<number, GuestOffer>;
  /** Offers as they arrive. */
  readonly offers$: Observable<GuestOffer>;
  /** Offers the host withdrew. */
  readonly rescinds$: Observable<GuestOffer>;
  /** Opens an offered sub-channel with the same settings as its primary. */
  open(offer: GuestOffer): Promise<Channel>;
  /** Closes a channel `open` gave; one the host revoked meanwhile is already gone. */
  close(channel: Channel): Promise<void>;
}

/** The device went (rescind) or its driver failed while sub-channels were being opened. */
export class SubChannelsUnavailableError extends Error {
  override readonly name = 'SubChannelsUnavailableError';
  constructor(
    /** The primary's instance GUID. */
    readonly instanceId: string,
    reason: string,
  ) {
    super(`sub-channels of ${instanceId}: ${reason}`);
  }
}

/**
 * The sub-channels of one bound device (multi-queue, PROTOCOLS.md §2): what backs
 * `VscContext.openSubChannels` for guest kernels and test beds. The driver asks the host with its
 * device's own protocol; the host then offers sub-channels with the primary's interface type and
 * instance GUID and sub-channel indexes from 1; each offer is opened as it arrives. On
 * {@link release} (the device was rescinded or unbound) waiting requests fail and every
 * sub-channel still open is closed.
 */
export class SubChannels {
  /** Relids of sub-channel offers already taken by a request of this device. */
  private readonly taken = new Set<number>();
  private readonly opened = new Set<Channel>();
  private readonly waiting = new Set<(error: Error) => void>();
  private released = false;

  constructor(
    private readonly bus: SubChannelBus,
    /** The primary channel's offer. */
    readonly primary: GuestOffer,
  ) {}

  /**
   * Takes the next `count` sub-channel offers of this device that no earlier request took (offers
   * already present first, then those that arrive after `request` asked the host for them), opens
   * each, and resolves with the channels in sub-channel index order.
   * @throws RangeError - for a count outside 1–{@link MAX_SUB_CHANNELS}.
   * @throws SubChannelsUnavailableError - if the device is rescinded or released meanwhile; what
   *   `request` or an open threw otherwise. Sub-channels this call opened are closed again then.
   */
  open(count: number, request: () => Promise<void>): Promise<Channel[]> {
    if (!(Number.isInteger(count) && count >= 1 && count <= MAX_SUB_CHANNELS)) {
      return Promise.reject(new RangeError(`a device may ask for 1–${MAX_SUB_CHANNELS} sub-channels, not ${count}`));
    }
    if (this.released) return Promise.reject(this.unavailable('the device is gone'));
    return new Promise<Channel[]>((resolve, reject) => {
      const subscription = new Subscription();
      const mine: { readonly index: number; channel?: Channel }[] = [];
      let settled = false;
      let open = 0;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        this.waiting.delete(fail);
        subscription.unsubscribe();
        for (const { channel } of mine) if (channel) this.close(channel);
        reject(error);
      };
      const take = (offer: GuestOffer): void => {
        if (settled || mine.length === count || !this.isSubChannel(offer) || this.taken.has(offer.relid)) return;
        this.taken.add(offer.relid);
        const entry: { readonly index: number; channel?: Channel } = { index: offer.subChannelIndex };
        mine.push(entry);
        this.bus.open(offer).then((channel) => {
          if (settled) return this.close(channel);
          this.opened.add(channel);
          entry.channel = channel;
          if (++open < count) return;
          settled = true;
          this.waiting.delete(fail);
          subscription.unsubscribe();
          resolve(mine.sort((a, b) => a.index - b.index).map((e) => e.channel!));
        }, fail);
      };
      this.waiting.add(fail);
      subscription.add(this.bus.offers$.subscribe(take));
      subscription.add(
        this.bus.rescinds$.subscribe((offer) => {
          if (offer.relid === this.primary.relid) fail(this.unavailable('the host rescinded the device'));
        }),
      );
      [...this.bus.offers.values()].sort((a, b) => a.subChannelIndex - b.subChannelIndex).forEach(take);
      if (!settled && mine.length < count) request().catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
    });
  }

  /** Fails the requests still waiting and closes every sub-channel still open; resolves when they are closed. */
  async release(): Promise<void> {
    this.released = true;
    for (const fail of [...this.waiting]) fail(this.unavailable('the device is gone'));
    const closing = [...this.opened].map((channel) => this.bus.close(channel).catch(() => undefined));
    this.opened.clear();
    await Promise.all(closing);
  }

  private isSubChannel(offer: GuestOffer): boolean {
    return offer.subChannelIndex !== 0 && offer.interfaceType === this.primary.interfaceType && offer.interfaceInstance === this.primary.interfaceInstance;
  }

  private close(channel: Channel): void {
    this.opened.delete(channel);
    void this.bus.close(channel).catch(() => undefined);
  }

  private unavailable(reason: string): SubChannelsUnavailableError {
    return new SubChannelsUnavailableError(this.primary.interfaceInstance, reason);
  }
}

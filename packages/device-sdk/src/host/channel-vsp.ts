import type { Channel, HostChannelOffer } from '@tsvisor/vmbus';
import { ChannelFlag, ChannelStatus, PipeMode } from '@tsvisor/vmbus';
import type { Subscription } from 'rxjs';
import type { Vsp, VspContext } from './vsp.js';

/**
 * The full VSP style (DESIGN §5): the VSP decides which channels to offer (a primary, then
 * sub-channels when the guest asks for them) and gets explicit `onOpen` / `onClose` calls for each
 * channel the guest opens and closes. {@link SimpleVsp} builds on it for the one-channel case.
 */
export abstract class ChannelVsp<Config> implements Vsp {
  private readonly offers: HostChannelOffer[] = [];
  private readonly subscriptions: Subscription[] = [];
  private stopped = false;

  constructor(protected readonly context: VspContext<Config>) {}

  /** Offers the primary channel (sub-channel index 0). */
  start(): void {
    this.offerChannel(0);
  }

  /** Rescinds every channel this VSP offered; open channels are revoked. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    for (const offer of this.offers.splice(0)) offer.rescind();
    await this.onStop();
  }

  /** Offers one more channel of this device (a sub-channel for an index above 0). */
  protected offerChannel(subChannelIndex: number): HostChannelOffer {
    const { deviceClass, instanceId } = this.context;
    const settings = deviceClass.channel ?? {};
    const pipe = settings.pipeMode;
    const userDefined = new Uint8Array(120);
    if (pipe) new DataView(userDefined.buffer).setUint32(0, pipe === 'message' ? PipeMode.MESSAGE : PipeMode.BYTE, true);
    const offer = this.context.vmbus.offer({
      interfaceType: deviceClass.interfaceType,
      interfaceInstance: instanceId,
      subChannelIndex,
      ...(pipe ? { channelFlags: ChannelFlag.NAMED_PIPE_MODE, userDefined } : {}),
      ...(settings.maxCompletionSize !== undefined ? { maxCompletionSize: settings.maxCompletionSize } : {}),
      ...(settings.maxPacketsPerTurn !== undefined ? { maxPacketsPerTurn: settings.maxPacketsPerTurn } : {}),
      ...(this.poll ? { poll: true } : {}),
    });
    this.offers.push(offer);
    this.subscriptions.push(
      offer.channels$.subscribe((channel) => {
        this.onOpen(channel, subChannelIndex);
        channel.state$.subscribe((status) => {
          if (status !== ChannelStatus.Open) this.onClose(channel, subChannelIndex, status);
        });
      }),
    );
    return offer;
  }

  /** Poll mode for the host end of every channel offered (DESIGN §4): off unless a subclass says so. */
  protected get poll(): boolean {
    return false;
  }

  /** The guest opened channel `subChannelIndex`; it stays usable until `onClose`. */
  protected abstract onOpen(channel: Channel, subChannelIndex: number): void;

  /** The channel closed (guest close), was revoked (stop) or faulted (guest broke the protocol). */
  protected abstract onClose(channel: Channel, subChannelIndex: number, status: ChannelStatus): void;

  /** Releases the device's resources after its channels are gone. */
  protected abstract onStop(): Promise<void>;
}

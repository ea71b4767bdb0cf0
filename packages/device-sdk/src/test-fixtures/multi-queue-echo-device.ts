import { firstValueFrom, type Subscription } from 'rxjs';
import type { Channel, ChannelStatus } from '@tsvisor/vmbus';
import type { DeviceClass } from '../device-class.js';
import type { VscContext, VscDriver } from '../guest/vsc-driver.js';
import { ChannelVsp } from '../host/channel-vsp.js';
import type { VspContext, VspFactory } from '../host/vsp.js';

/** The request that asks for sub-channels: this first byte, then the count. */
export const CREATE_SUB_CHANNELS = 0xff;

/** The multi-queue echo device's configuration. */
export interface MultiQueueEchoConfig {
  /** Sub-channels the host grants at most. */
  readonly maxSubChannels: number;
  /** Whether it offers the sub-channels it granted (a broken host does not). */
  readonly offersGranted: boolean;
}

/**
 * A test device with sub-channels (the full VSP style): the primary answers a
 * {@link CREATE_SUB_CHANNELS} request by offering that many sub-channels; every channel completes
 * other requests with their payload plus its sub-channel index in the first byte.
 */
export const multiQueueEchoClass: DeviceClass<MultiQueueEchoConfig> = {
  id: 'test.multi-queue-echo',
  interfaceType: '8c0f6a2e-3b1d-4e5f-9a7b-1c2d3e4f5a6b',
  displayName: 'Multi-queue echo',
  channel: { ringPages: 4 },
  config: {
    parse(value: unknown): MultiQueueEchoConfig {
      const { maxSubChannels = 4, offersGranted = true } = value as { maxSubChannels?: unknown; offersGranted?: unknown };
      return { maxSubChannels: typeof maxSubChannels === 'number' ? maxSubChannels : 4, offersGranted: offersGranted !== false };
    },
    jsonSchema: () => ({ type: 'object', properties: { maxSubChannels: { type: 'integer' }, offersGranted: { type: 'boolean' } } }),
  },
};

export class MultiQueueEchoVsp extends ChannelVsp<MultiQueueEchoConfig> {
  /** Requests echoed, by sub-channel index. */
  readonly requests: number[] = [];
  /** Channels closed or revoked, by sub-channel index. */
  readonly closed: number[] = [];
  private readonly serving = new Map<Channel, Subscription>();
  private offered = 0;

  protected onOpen(channel: Channel, subChannelIndex: number): void {
    this.serving.set(
      channel,
      channel.packets$.subscribe((packet) => {
        const payload = packet.payload().slice();
        if (subChannelIndex === 0 && payload[0] === CREATE_SUB_CHANNELS) {
          const count = payload[1]!;
          const granted = count >= 1 && this.offered + count <= this.context.config.maxSubChannels;
          channel.complete(packet, Uint8Array.of(granted ? 0 : 1));
          if (granted && this.context.config.offersGranted) for (let i = 0; i < count; i++) this.offerChannel(++this.offered);
          return;
        }
        this.requests[subChannelIndex] = (this.requests[subChannelIndex] ?? 0) + 1;
        payload[0] = subChannelIndex;
        channel.complete(packet, payload);
      }),
    );
  }

  protected onClose(channel: Channel, subChannelIndex: number, _status: ChannelStatus): void {
    this.serving.get(channel)?.unsubscribe();
    this.serving.delete(channel);
    this.closed[subChannelIndex] = (this.closed[subChannelIndex] ?? 0) + 1;
  }

  protected async onStop(): Promise<void> {
    for (const subscription of this.serving.values()) subscription.unsubscribe();
    this.serving.clear();
  }
}

export class MultiQueueEchoVspFactory implements VspFactory<MultiQueueEchoConfig> {
  readonly deviceClass = multiQueueEchoClass;
  readonly created: MultiQueueEchoVsp[] = [];

  create(context: VspContext<MultiQueueEchoConfig>): MultiQueueEchoVsp {
    const vsp = new MultiQueueEchoVsp(context);
    this.created.push(vsp);
    return vsp;
  }
}

/** The guest device: echoes round-robin over the primary and its sub-channels. */
export interface MultiQueueEcho {
  /** The primary, then the sub-channels by index (once open). */
  readonly channels: readonly Channel[];
  /** Settles when the sub-channels are open (they join `channels` then), or failed to. */
  readonly subChannels: Promise<Channel[]>;
  /** Echoes `value` on the next channel in turn; resolves with the index of the sub-channel that answered. */
  echo(value: number): Promise<number>;
  unbound: boolean;
}

/** Opens the primary and `subChannels` sub-channels in `bind`, waiting for them unless `wait` is false. */
export class MultiQueueEchoDriver implements VscDriver<MultiQueueEcho> {
  readonly deviceClass = multiQueueEchoClass;

  constructor(
    private readonly subChannels: number,
    private readonly wait = true,
  ) {}

  async bind(context: VscContext): Promise<MultiQueueEcho> {
    const primary = await context.open();
    const channels = [primary];
    const subChannels = context.openSubChannels(this.subChannels, async () => {
      const answer = await firstValueFrom(primary.request({ payload: Uint8Array.of(CREATE_SUB_CHANNELS, this.subChannels, 0, 0, 0, 0, 0, 0) }));
      if (answer.payload[0] !== 0) throw new Error('the host refused the sub-channels');
    });
    void subChannels.then((subs) => channels.push(...subs), () => undefined);
    if (this.wait) await subChannels;
    let next = 0;
    return {
      channels,
      subChannels,
      unbound: false,
      async echo(value: number): Promise<number> {
        const channel = channels[next++ % channels.length]!;
        return (await firstValueFrom(channel.request({ payload: Uint8Array.of(value, 0, 0, 0, 0, 0, 0, 0) }))).payload[0]!;
      },
    };
  }

  unbind(device: MultiQueueEcho): void {
    device.unbound = true;
  }
}

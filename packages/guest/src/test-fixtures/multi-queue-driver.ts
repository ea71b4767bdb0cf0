import type { VscContext, VscDriver } from '@tsvisor/device-sdk/guest';
import type { Channel } from '@tsvisor/vmbus';
import { firstValueFrom } from 'rxjs';

/** Interface GUID of the multi-queue echo device the kernel tests offer. */
export const MULTI_QUEUE_TYPE = '5a1e0c3b-8d2f-4b6a-9c1e-7f3d2b4a6c90';

/** The request that asks the host for sub-channels: this first byte, then the count. */
export const CREATE_SUB_CHANNELS = 0xff;

/** Sub-channels the multi-queue driver asks for. */
export const SUB_CHANNELS = 2;

/** The guest side of the multi-queue echo device: one echo per channel. */
export interface MultiQueueEcho {
  /** The primary, then the sub-channels by index. */
  readonly channels: readonly Channel[];
  /** Echoes `value` on channel `index`; the host answers with `value` plus the channel's sub-channel index. */
  echo(index: number, value: number): Promise<number>;
  unbound: boolean;
}

/** Opens its primary, then asks the host for {@link SUB_CHANNELS} sub-channels and opens them. */
export const multiQueueDriver: VscDriver<MultiQueueEcho> = {
  deviceClass: { id: 'test.multi-queue', interfaceType: MULTI_QUEUE_TYPE, displayName: 'Multi-queue echo', channel: { ringPages: 4 } },
  async bind(context: VscContext): Promise<MultiQueueEcho> {
    const primary = await context.open();
    const subChannels = await context.openSubChannels(SUB_CHANNELS, async () => {
      const answer = await firstValueFrom(primary.request({ payload: Uint8Array.of(CREATE_SUB_CHANNELS, SUB_CHANNELS, 0, 0, 0, 0, 0, 0) }));
      if (answer.payload[0] !== 0) throw new Error('the host refused the sub-channels');
    });
    const channels = [primary, ...subChannels];
    return {
      channels,
      unbound: false,
      async echo(index: number, value: number): Promise<number> {
        return (await firstValueFrom(channels[index]!.request({ payload: Uint8Array.of(value, 0, 0, 0, 0, 0, 0, 0) }))).payload[0]!;
      },
    };
  },
  unbind(device: MultiQueueEcho): void {
    device.unbound = true;
  },
};

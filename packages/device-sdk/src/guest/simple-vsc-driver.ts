import type { Channel } from '@tsvisor/vmbus';
import type { DeviceClass } from '../device-class.js';
import type { VscContext, VscDriver } from './vsc-driver.js';

/**
 * The common VSC driver shape: open the offer's one channel, then present a device built on it.
 * On unbind (the host rescinded the device) the channel is already revoked; `onUnbind` may
 * release what the device holds.
 *
 * ```ts
 * class EchoDriver extends SimpleVscDriver<Echo> {
 *   readonly deviceClass = echoClass;
 *   protected createDevice(channel: Channel): Echo {
 *     return { echo: async (bytes) => (await firstValueFrom(channel.request({ payload: bytes }))).payload };
 *   }
 * }
 * ```
 */
export abstract class SimpleVscDriver<Device> implements VscDriver<Device> {
  abstract readonly deviceClass: Pick<DeviceClass, 'id' | 'interfaceType' | 'displayName' | 'channel'>;

  async bind(context: VscContext): Promise<Device> {
    const channel = await context.open();
    return this.createDevice(channel, context);
  }

  unbind(device: Device): void | Promise<void> {
    return this.onUnbind(device);
  }

  /** The device the guest program sees, speaking over `channel`. */
  protected abstract createDevice(channel: Channel, context: VscContext): Device;

  /** Releases what `device` holds once the host withdrew it. */
  protected onUnbind(_device: Device): void | Promise<void> {
    return undefined;
  }
}

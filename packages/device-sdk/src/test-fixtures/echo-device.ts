import { firstValueFrom } from 'rxjs';
import type { DeviceClass } from '../device-class.js';
import { DeviceConfigError } from '../config/device-config-error.js';
import { SimpleVscDriver } from '../guest/simple-vsc-driver.js';
import { SimpleVsp } from '../host/simple-vsp.js';
import type { VspContext, VspFactory } from '../host/vsp.js';
import type { Channel } from '@tsvisor/vmbus';

/** The echo test device's configuration. */
export interface EchoConfig {
  readonly invert: boolean;
}

/** A test device: the host completes each request with its payload (bytes inverted if configured). */
export const echoDeviceClass: DeviceClass<EchoConfig> = {
  id: 'test.echo',
  interfaceType: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  displayName: 'Echo',
  config: {
    parse(value: unknown, path = ''): EchoConfig {
      if (typeof value !== 'object' || value === null) throw new DeviceConfigError(path, 'must be an object');
      const invert = (value as { invert?: unknown }).invert ?? false;
      if (typeof invert !== 'boolean') throw new DeviceConfigError(`${path}.invert`, 'must be a boolean');
      return { invert };
    },
    jsonSchema: () => ({ type: 'object', properties: { invert: { type: 'boolean', default: false } }, additionalProperties: false }),
  },
};

export class EchoVsp extends SimpleVsp<EchoConfig> {
  requests = 0;
  aborted = 0;

  protected async run(channel: Channel, signal: AbortSignal): Promise<void> {
    const subscription = channel.packets$.subscribe((packet) => {
      this.requests++;
      const payload = packet.payload().slice();
      if (this.context.config.invert) for (let i = 0; i < payload.length; i++) payload[i] = ~payload[i]! & 0xff;
      channel.complete(packet, payload);
    });
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    this.aborted++;
    subscription.unsubscribe();
  }
}

export class EchoVspFactory implements VspFactory<EchoConfig> {
  readonly deviceClass = echoDeviceClass;
  readonly created: EchoVsp[] = [];

  create(context: VspContext<EchoConfig>): EchoVsp {
    const vsp = new EchoVsp(context);
    this.created.push(vsp);
    return vsp;
  }
}

/** The guest device the echo driver presents. */
export interface EchoDevice {
  echo(bytes: Uint8Array): Promise<Uint8Array>;
  readonly unbound: boolean;
}

export class EchoDriver extends SimpleVscDriver<EchoDevice> {
  readonly deviceClass = echoDeviceClass;

  protected createDevice(channel: Channel): EchoDevice {
    return {
      unbound: false,
      echo: async (bytes: Uint8Array) => (await firstValueFrom(channel.request({ payload: bytes }))).payload,
    };
  }

  protected override onUnbind(device: EchoDevice): void {
    (device as { unbound: boolean }).unbound = true;
  }
}

import type { Channel } from '@tsvisor/device-sdk';
import { SimpleVscDriver, VscDriverContribution } from '@tsvisor/device-sdk/guest';
import { ContainerModule } from 'inversify';
import { firstValueFrom } from 'rxjs';
import { hostFileClass } from './host-file-class.js';

/** The guest side: asks the host to read a file (ASCII paths and text are enough for the tests). */
export interface HostFileDevice {
  read(path: string): Promise<{ readonly status: number; readonly text: string }>;
}

class HostFileDriver extends SimpleVscDriver<HostFileDevice> {
  readonly deviceClass = hostFileClass;

  protected createDevice(channel: Channel): HostFileDevice {
    return {
      async read(path) {
        const request = new Uint8Array(4 + path.length);
        new DataView(request.buffer).setUint32(0, path.length, true);
        request.set(Uint8Array.from(path, (c) => c.charCodeAt(0) & 0x7f), 4);
        const { payload } = await firstValueFrom(channel.request({ payload: request }));
        const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
        return { status: view.getUint32(0, true), text: String.fromCharCode(...payload.subarray(8, 8 + view.getUint32(4, true))) };
      },
    };
  }
}

export default new ContainerModule(({ bind }) => {
  bind(VscDriverContribution).toConstantValue(new HostFileDriver());
});

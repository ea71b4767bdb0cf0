import type { VscContext, VscDriver } from '@tsvisor/device-sdk/guest';
import { firstValueFrom } from 'rxjs';

/** Interface GUID of the echo device the kernel tests offer. */
export const ECHO_TYPE = '5a1e0c3b-8d2f-4b6a-9c1e-7f3d2b4a6c8e';

/** The guest side of the echo device: `echo(n)` sends 8 bytes starting with n; the host answers. */
export interface Echo {
  echo(value: number): Promise<number>;
  unbound: boolean;
}

export const echoDriver: VscDriver<Echo> = {
  deviceClass: { id: 'test.echo', interfaceType: ECHO_TYPE, displayName: 'Echo', channel: { ringPages: 4 } },
  async bind(context: VscContext): Promise<Echo> {
    const channel = await context.open();
    return {
      unbound: false,
      async echo(value: number): Promise<number> {
        const payload = new Uint8Array(8);
        payload[0] = value;
        return (await firstValueFrom(channel.request({ payload }))).payload[0]!;
      },
    };
  },
  unbind(device: Echo): void {
    device.unbound = true;
  },
};

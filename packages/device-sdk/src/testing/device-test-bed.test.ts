import { describe, expect, it } from 'vitest';
import { lastValueFrom } from 'rxjs';
import { ChannelStatus } from '@tsvisor/vmbus';
import type { DeviceConfigError } from '../config/device-config-error.js';
import { EchoDriver, EchoVspFactory } from '../test-fixtures/echo-device.js';
import { connectDevice } from './device-test-bed.js';

describe('connectDevice (the test bed)', () => {
  it('connects a VSP and a VSC over real rings, with the config validated by the class schema', async () => {
    const factory = new EchoVspFactory();
    const bed = await connectDevice({ factory, driver: new EchoDriver(), config: { invert: true } });
    const answer = await bed.device.echo(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect([...answer.subarray(0, 8)]).toEqual([254, 253, 252, 251, 250, 249, 248, 247]);
    expect(factory.created[0]!.requests).toBe(1);
    expect(bed.host.state).toBe(ChannelStatus.Open);
    await bed.close();
    expect(factory.created[0]!.aborted).toBe(1);
  });

  it('revokes the channels, ends the VSP run and unbinds the driver on rescind', async () => {
    const factory = new EchoVspFactory();
    const bed = await connectDevice({ factory, driver: new EchoDriver() });
    const ended = lastValueFrom(bed.guest.state$);
    await bed.rescind();
    expect(await ended).toBe(ChannelStatus.Revoked);
    expect(bed.device.unbound).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(factory.created[0]!.aborted).toBe(1);
    await bed.close();
  });

  it('refuses a config that does not fit the class, naming the field', async () => {
    await expect(connectDevice({ factory: new EchoVspFactory(), driver: new EchoDriver(), config: { invert: 'yes' } })).rejects.toThrow(
      expect.objectContaining({ name: 'DeviceConfigError', field: 'config.invert' }) as DeviceConfigError,
    );
  });
});

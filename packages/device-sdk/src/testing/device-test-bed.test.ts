import { describe, expect, it } from 'vitest';
import { lastValueFrom } from 'rxjs';
import { ChannelStatus } from '@tsvisor/vmbus';
import type { DeviceConfigError } from '../config/device-config-error.js';
import { EchoDriver, EchoVspFactory } from '../test-fixtures/echo-device.js';
import { SubChannelsUnavailableError } from '../guest/sub-channels.js';
import { MultiQueueEchoDriver, MultiQueueEchoVspFactory } from '../test-fixtures/multi-queue-echo-device.js';
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

  it('opens the sub-channels the VSP offers when the driver asks, each over its own rings, and I/O completes on all', async () => {
    const factory = new MultiQueueEchoVspFactory();
    const bed = await connectDevice({ factory, driver: new MultiQueueEchoDriver(3), config: { maxSubChannels: 3 } });
    expect(bed.device.channels).toHaveLength(4);
    expect(bed.subChannels.map((s) => s.subChannelIndex)).toEqual([1, 2, 3]);
    expect(bed.subChannels.map((s) => s.guest)).toEqual(bed.device.channels.slice(1));
    const answered = await Promise.all(Array.from({ length: 8 }, (_, i) => bed.device.echo(i)));
    expect(answered).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(factory.created[0]!.requests).toEqual([2, 2, 2, 2]);
    expect(bed.subChannels.map((s) => s.host.counters().completionsSent)).toEqual([2, 2, 2]);
    await bed.close();
  });

  it('revokes the sub-channels with the device on rescind, and the VSP closes each', async () => {
    const factory = new MultiQueueEchoVspFactory();
    const bed = await connectDevice({ factory, driver: new MultiQueueEchoDriver(2) });
    const channels = bed.device.channels;
    await bed.rescind();
    expect(channels.map((c) => c.state)).toEqual([ChannelStatus.Revoked, ChannelStatus.Revoked, ChannelStatus.Revoked]);
    expect(bed.device.unbound).toBe(true);
    expect(bed.subChannels).toEqual([]);
    expect(factory.created[0]!.closed).toEqual([1, 1, 1]);
    await bed.close();
  });

  it('fails the bind with the reason when the VSP refuses the sub-channels', async () => {
    await expect(connectDevice({ factory: new MultiQueueEchoVspFactory(), driver: new MultiQueueEchoDriver(5), config: { maxSubChannels: 2 } })).rejects.toThrow(
      'the host refused the sub-channels',
    );
  });

  it('fails a request for sub-channels still waiting for their offers when the device is rescinded', async () => {
    const factory = new MultiQueueEchoVspFactory();
    const bed = await connectDevice({ factory, driver: new MultiQueueEchoDriver(2, false), config: { offersGranted: false } });
    expect(await bed.device.echo(1)).toBe(0);
    const waiting = bed.device.subChannels.catch((error: unknown) => error);
    await bed.rescind();
    expect(await waiting).toBeInstanceOf(SubChannelsUnavailableError);
    expect(bed.device.channels).toEqual([bed.guest]);
    await bed.close();
  });
});

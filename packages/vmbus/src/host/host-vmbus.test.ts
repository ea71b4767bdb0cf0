import { ProtocolError } from '@tsvisor/wire';
import { filter, firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelStatus } from '../channel/channel-status.js';
import { ChannelState } from '../management/channel-state.js';
import { ConnectionState } from '../management/connection-state.js';
import { VmbusVersion } from '../protocol/channel-messages.js';
import {
  DEAF_DEVICE_TYPE,
  ECHO_DEVICE_TYPE,
  GREEDY_DEVICE_TYPE,
  SCRIBBLED_DEVICE_TYPE,
  testOffer,
} from '../test-fixtures/vmbus-fixtures.js';
import { startVmbusPartition, type VmbusPartition } from '../testing/vmbus-partition.js';

const guest = (name: string): string => fileURLToPath(new URL(`../test-fixtures/guests/${name}.ts`, import.meta.url));
const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

let vm: VmbusPartition | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
});

describe('HostVmbus with a guest in a real partition', () => {
  it('connects, opens an offered channel over rings in guest memory, and carries requests and packets', async () => {
    vm = await startVmbusPartition({ guest: guest('echo-device'), offers: [testOffer(ECHO_DEVICE_TYPE, 1)] });
    const channel = await vm.channel(0);
    expect(vm.vmbus.server.connectionState).toBe(ConnectionState.OffersRequested);
    expect(vm.vmbus.server.channelState(vm.offers[0]!.relid)).toBe(ChannelState.Open);
    for (let i = 0; i < 20; i++) {
      const completion = await firstValueFrom(channel.request({ payload: bytes(200, i) }));
      expect([...completion.payload.subarray(0, 200)]).toEqual([...bytes(200, i)]);
    }
    const back = new Promise<number[]>((resolve) => {
      const seen: number[] = [];
      channel.packets$.subscribe((p) => {
        seen.push(p.payload()[0]!);
        if (seen.length === 50) resolve(seen);
      });
    });
    for (let i = 0; i < 50; i++) await channel.send({ payload: bytes(64, i) });
    expect(await back).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(vm.vmbus.server.violations).toBe(0);
  });

  it('settles on the newest version both sides support', async () => {
    vm = await startVmbusPartition({
      guest: guest('echo-device'),
      offers: [testOffer(ECHO_DEVICE_TYPE, 1)],
      vmbus: { versions: [VmbusVersion.V4_0, VmbusVersion.V3_0] },
    });
    const channel = await vm.channel(0);
    expect(vm.vmbus.server.version).toBe(VmbusVersion.V4_0);
    expect((await firstValueFrom(channel.request({ payload: bytes(8, 5) }))).payload[0]).toBe(5);
  });

  it('offers a device hot-added after boot, and revokes the channel of a rescinded one', async () => {
    vm = await startVmbusPartition({ guest: guest('echo-device'), offers: [testOffer(ECHO_DEVICE_TYPE, 1)] });
    await vm.channel(0);
    const added = vm.vmbus.offer(testOffer(ECHO_DEVICE_TYPE, 2));
    const channel = await firstValueFrom(added.channels$.pipe(timeout(10_000)));
    expect((await firstValueFrom(channel.request({ payload: bytes(8, 3) }))).payload[0]).toBe(3);
    const ended = lastValueFrom(channel.state$);
    added.rescind();
    expect(await ended).toBe(ChannelStatus.Revoked);
    // The guest releases the relid; the server forgets the channel.
    for (let i = 0; i < 200 && vm.vmbus.server.channelState(added.relid) !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(vm.vmbus.server.channelState(added.relid)).toBeUndefined();
    expect((await firstValueFrom((await vm.channel(0)).request({ payload: bytes(8, 4) }))).payload[0]).toBe(4);
  });

  it('answers requests with both ends in poll mode, spinning instead of sleeping', async () => {
    vm = await startVmbusPartition({
      guest: guest('echo-device'),
      offers: [{ ...testOffer(ECHO_DEVICE_TYPE, 1), userDefined: new Uint8Array([1]), poll: true }],
    });
    const channel = await vm.channel(0);
    for (let i = 0; i < 500; i++) expect((await firstValueFrom(channel.request({ payload: bytes(16, i) }))).payload[0]).toBe(i & 0xff);
    const counters = channel.counters();
    expect(counters.pollHits + counters.pollMisses).toBeGreaterThan(0);
    expect(counters.completionsReceived).toBe(500);
  });

  it('carries sub-channels of one device independently', async () => {
    const device = testOffer(ECHO_DEVICE_TYPE, 1);
    vm = await startVmbusPartition({
      guest: guest('echo-device'),
      offers: [0, 1, 2].map((subChannelIndex) => ({ ...device, subChannelIndex })),
    });
    const channels = await Promise.all([0, 1, 2].map((i) => vm!.channel(i)));
    expect(new Set(vm.offers.map((o) => o.relid)).size).toBe(3);
    const answers = await Promise.all(channels.map((c, i) => firstValueFrom(c.request({ payload: bytes(8, 40 + i) }))));
    expect(answers.map((a) => a.payload[0])).toEqual([40, 41, 42]);
    for (const offer of vm.offers) expect(vm.vmbus.server.channel(offer.relid)?.offer.subChannelIndex).toBe(vm.offers.indexOf(offer));
  });

  it('contains a hostile guest: a scribbled ring faults its channel, a deaf one stalls, bad GPADLs are refused; the echo channel keeps working', async () => {
    vm = await startVmbusPartition({
      guest: guest('hostile'),
      offers: [
        testOffer(ECHO_DEVICE_TYPE, 1),
        testOffer(SCRIBBLED_DEVICE_TYPE, 2),
        testOffer(DEAF_DEVICE_TYPE, 3),
        testOffer(GREEDY_DEVICE_TYPE, 4),
      ],
    });
    const violations: unknown[] = [];
    vm.vmbus.violations$.subscribe((v) => violations.push(v));
    const echo = await vm.channel(0);
    const scribbled = await vm.channel(1);
    const fault = await lastValueFrom(scribbled.packets$).catch((error: unknown) => error);
    expect(fault).toBeInstanceOf(ProtocolError);
    expect(scribbled.state).toBe(ChannelStatus.Faulted);

    const deaf = await vm.channel(2);
    let accepted = 0;
    while (deaf.trySend({ payload: bytes(512, 1) })) accepted++;
    const stalled = deaf.send({ payload: bytes(512, 2) });
    let settled = false;
    void stalled.then(() => (settled = true), () => (settled = true));

    // Both bad GPADLs are refused; none is ever mapped.
    await firstValueFrom(vm.vmbus.violations$.pipe(filter(() => violations.length >= 2), timeout(10_000))).catch(() => undefined);
    const greedy = vm.offers[3]!.relid;
    expect(violations.length).toBeGreaterThanOrEqual(2);

    // Valid pages but scattered rings: the GPADL is accepted, the open is refused.
    const server = vm.vmbus.server;
    const scatteredGpadl = (): number | undefined => server.gpadlHandles.find((g) => server.gpadl(g)?.relid === greedy);
    for (let i = 0; i < 500 && (scatteredGpadl() === undefined || server.channelState(greedy) !== ChannelState.Closed); i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(server.gpadl(scatteredGpadl()!)?.pfns.length).toBe(4);
    expect(server.channelState(greedy)).toBe(ChannelState.Closed);
    expect(vm.offers[3]!.channel).toBeUndefined();

    for (let i = 0; i < 20; i++) expect((await firstValueFrom(echo.request({ payload: bytes(64, i) }))).payload[0]).toBe(i);
    expect(accepted).toBeGreaterThan(0);
    expect(settled).toBe(false);
    expect(deaf.state).toBe(ChannelStatus.Open);
    expect(vm.partition.state).toBe('running');
  });
});

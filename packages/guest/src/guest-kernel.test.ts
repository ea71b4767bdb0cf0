import { GUEST_CONSOLE_CONNECTION_ID } from '@tsvisor/device-sdk';
import { startVmbusPartition, type VmbusPartition } from '@tsvisor/vmbus/testing';
import { decodeUtf8 } from '@tsvisor/wire';
import { firstValueFrom, timeout } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ECHO_TYPE } from './test-fixtures/echo-driver.js';
import { BROKEN_TYPE } from './test-fixtures/guests/failing-driver-program.js';
import { CREATE_SUB_CHANNELS, MULTI_QUEUE_TYPE, SUB_CHANNELS } from './test-fixtures/multi-queue-driver.js';
import { SHARED_BUFFER_PAGES, SHARED_BUFFER_TYPE, UNKNOWN_GPADL_ANSWER } from './test-fixtures/shared-buffer-driver.js';
import { ChannelStatus, type Channel, type HostChannelOffer } from '@tsvisor/vmbus';

const instance = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

let vm: VmbusPartition | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('the guest kernel in a real partition', () => {
  it('binds drivers to offers (hot-add and rescind included), runs the program and routes its console to the host', async () => {
    let console = '';
    vm = await startVmbusPartition({
      guest: fileURLToPath(new URL('./test-fixtures/guests/echo-program.ts', import.meta.url)),
      offers: [
        { interfaceType: ECHO_TYPE, interfaceInstance: instance(1) },
        { interfaceType: '0badc0de-0000-4000-8000-000000000000', interfaceInstance: instance(9) },
      ],
      beforeStart: (partition) => {
        partition.openMessagePort(GUEST_CONSOLE_CONNECTION_ID, (_type, payload, size) => (console += decodeUtf8(payload.slice(0, size))));
      },
    });
    const serve = (index: number, offer = vm!.offers[index]!): void => {
      offer.channels$.subscribe((channel) => channel.packets$.subscribe((p) => channel.complete(p, Uint8Array.of(p.payload()[0]! + 1))));
    };
    serve(0);
    await vm.channel(0);
    await waitFor(() => console.includes('echo 41 -> 42'), 'the first echo');
    expect(console).toContain('devices: test.echo\n');
    const added = vm.vmbus.offer({ interfaceType: ECHO_TYPE, interfaceInstance: instance(2) });
    serve(0, added);
    await firstValueFrom(added.channels$.pipe(timeout(10_000)));
    await waitFor(() => console.includes('second echo 7 -> 8'), 'the hot-added echo');
    added.rescind();
    await waitFor(() => vm!.partition.state === 'off', 'the program to exit');
    expect(console).toContain(`added test.echo ${instance(2)}`);
    expect(console).toContain(`removed ${instance(2)} unbound=true`);
    expect(vm.partition.reason).toContain('exit code 42');
  });

  it('gives the program a clock whose sleeps last at least what was asked', async () => {
    let console = '';
    vm = await startVmbusPartition({
      guest: fileURLToPath(new URL('./test-fixtures/guests/clock-program.ts', import.meta.url)),
      offers: [],
      beforeStart: (partition) => {
        partition.openMessagePort(GUEST_CONSOLE_CONNECTION_ID, (_type, payload, size) => (console += decodeUtf8(payload.slice(0, size))));
      },
    });
    await waitFor(() => vm!.partition.state === 'off', 'the program to exit');
    expect(vm.partition.reason).toContain('exit code 0');
    const slept = /slept (\d+) (\d+) (\d+)/.exec(console);
    expect(slept).not.toBeNull();
    expect(Number(slept![2])).toBeGreaterThanOrEqual(29);
    expect(Number(slept![3])).toBeGreaterThanOrEqual(59);
  });

  it("lets a driver share a buffer by GPADL that its device's host finds by handle, and no other device", async () => {
    let console = '';
    vm = await startVmbusPartition({
      guest: fileURLToPath(new URL('./test-fixtures/guests/shared-buffer-program.ts', import.meta.url)),
      offers: [
        { interfaceType: SHARED_BUFFER_TYPE, interfaceInstance: instance(1) },
        { interfaceType: SHARED_BUFFER_TYPE, interfaceInstance: instance(2) },
      ],
      beforeStart: (partition) => {
        partition.openMessagePort(GUEST_CONSOLE_CONNECTION_ID, (_type, payload, size) => (console += decodeUtf8(payload.slice(0, size))));
      },
    });
    const seen: { pages: number; bytes: number }[] = [];
    for (const offer of vm.offers) {
      offer.channels$.subscribe((channel) =>
        channel.packets$.subscribe((p) => {
          const handle = new DataView(p.payload().buffer, p.payload().byteOffset).getUint32(0, true);
          const gpadl = channel.gpadl(handle);
          if (!gpadl) return void channel.complete(p, Uint8Array.of(UNKNOWN_GPADL_ANSWER));
          seen.push({ pages: gpadl.pfns.length, bytes: gpadl.byteCount });
          const last = gpadl.pfns[gpadl.pfns.length - 1]! * 4096 + 4095;
          channel.complete(p, Uint8Array.of(new Uint8Array(vm!.partition.memory.buffer)[last]!));
        }),
      );
    }
    await waitFor(() => vm!.partition.state === 'off', 'the program to exit');
    expect(vm.partition.reason).toContain('exit code 0');
    expect(console).toContain('shared: 5a other: ee after: ee');
    expect(seen).toEqual([{ pages: SHARED_BUFFER_PAGES, bytes: SHARED_BUFFER_PAGES * 4096 }]);
  });

  it('reports a driver that fails to bind on the console and goes on with the other devices', async () => {
    let console = '';
    vm = await startVmbusPartition({
      guest: fileURLToPath(new URL('./test-fixtures/guests/failing-driver-program.ts', import.meta.url)),
      offers: [
        { interfaceType: BROKEN_TYPE, interfaceInstance: instance(1) },
        { interfaceType: ECHO_TYPE, interfaceInstance: instance(2) },
      ],
      beforeStart: (partition) => {
        partition.openMessagePort(GUEST_CONSOLE_CONNECTION_ID, (_type, payload, size) => (console += decodeUtf8(payload.slice(0, size))));
      },
    });
    vm.offers[1]!.channels$.subscribe((channel) => channel.packets$.subscribe((p) => channel.complete(p, Uint8Array.of(p.payload()[0]! + 1))));
    await waitFor(() => vm!.partition.state === 'off', 'the program to exit');
    expect(console).toContain('test.broken: driver failed to bind: the device is not ready');
    expect(console).toContain('devices: test.echo\n');
    expect(vm.partition.reason).toContain('exit code 0');
  });

  it('lets a driver open sub-channels it asked its host for, and closes them when the device is rescinded', async () => {
    let console = '';
    vm = await startVmbusPartition({
      guest: fileURLToPath(new URL('./test-fixtures/guests/multi-queue-program.ts', import.meta.url)),
      offers: [{ interfaceType: MULTI_QUEUE_TYPE, interfaceInstance: instance(1) }],
      beforeStart: (partition) => {
        partition.openMessagePort(GUEST_CONSOLE_CONNECTION_ID, (_type, payload, size) => (console += decodeUtf8(payload.slice(0, size))));
      },
    });
    const subOffers: HostChannelOffer[] = [];
    const subChannels: Channel[] = [];
    const serve = (offer: HostChannelOffer, index: number): void => {
      offer.channels$.subscribe((channel) => {
        if (index !== 0) subChannels[index - 1] = channel;
        channel.packets$.subscribe((p) => {
          const request = p.payload();
          if (index === 0 && request[0] === CREATE_SUB_CHANNELS) {
            channel.complete(p, Uint8Array.of(0));
            for (let i = 1; i <= request[1]!; i++) {
              const sub = vm!.vmbus.offer({ interfaceType: MULTI_QUEUE_TYPE, interfaceInstance: instance(1), subChannelIndex: i });
              subOffers.push(sub);
              serve(sub, i);
            }
            return;
          }
          channel.complete(p, Uint8Array.of(request[0]! + index));
        });
      });
    };
    serve(vm.offers[0]!, 0);
    await waitFor(() => console.includes('answers'), 'the echoes on every channel');
    expect(console).toContain(`channels ${SUB_CHANNELS + 1} answers 10,11,12`);
    expect(subChannels.map((c) => c.counters().completionsSent)).toEqual([1, 1]);
    // Only the primary goes: the kernel closes the sub-channels its driver had open.
    vm.offers[0]!.rescind();
    await waitFor(() => vm!.partition.state === 'off', 'the program to exit');
    expect(console).toContain('removed unbound=true states revoked,closed,closed');
    await waitFor(() => subChannels.every((c) => c.state === ChannelStatus.Closed), 'the sub-channels to close');
    expect(subOffers.map((o) => o.channel)).toEqual([undefined, undefined]);
  });
});

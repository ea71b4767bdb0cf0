import { GUEST_CONSOLE_CONNECTION_ID } from '@tsvisor/device-sdk';
import { startVmbusPartition, type VmbusPartition } from '@tsvisor/vmbus/testing';
import { decodeUtf8 } from '@tsvisor/wire';
import { firstValueFrom, timeout } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ECHO_TYPE } from './test-fixtures/echo-driver.js';
import { BROKEN_TYPE } from './test-fixtures/guests/failing-driver-program.js';

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
});

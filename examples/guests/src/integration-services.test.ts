import type { DevicePartition } from '@tsvisor/device-sdk/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startIntegrationGuest } from './test-fixtures/integration-guest-vm.js';

let vm: DevicePartition | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
});

describe('the integration-services guest program', () => {
  it('greets, publishes its KVP values, prints what the host sets, keeps its heartbeat, and halts on an accepted shutdown', async () => {
    const guest = await startIntegrationGuest('integration-services.ts');
    vm = guest.vm;
    const { kvpVsp, heartbeat$, shutdown, invoke } = guest;

    await vm.waitForConsole('hello from integration-services');

    await firstValueFrom(kvpVsp.available$.pipe(filter(Boolean), timeout(10_000)));
    expect(await invoke('kvp.enumerate', { pool: 'GUEST' })).toEqual({
      records: [
        { key: 'guest.os', value: 'tsvisor-guest', type: 'string' },
        { key: 'guest.program', value: 'integration-services', type: 'string' },
      ],
    });

    await invoke('kvp.set', { pool: 'EXTERNAL', key: 'host.name', value: 'tsvisor-host' });
    await invoke('kvp.set', { pool: 'EXTERNAL', key: 'host.generation', value: 2 });
    await vm.waitForConsole('kvp: host.name = tsvisor-host');
    await vm.waitForConsole('kvp: host.generation = 2');
    await invoke('kvp.set', { pool: 'EXTERNAL', key: 'host.name', value: 'renamed-host' });
    await vm.waitForConsole('kvp: host.name = renamed-host');

    expect(await firstValueFrom(heartbeat$!.pipe(filter((h) => h === 'ok'), timeout(10_000)))).toBe('ok');

    expect(await shutdown({ reason: 'host maintenance', restart: false, signal: new AbortController().signal })).toBe('accepted');
    await vm.waitForConsole('shutdown: host maintenance');
    for (let i = 0; i < 500 && vm.partition.state !== 'off'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(vm.partition.state).toBe('off');
    expect(vm.partition.reason).toContain('exit code 0');
    expect(vm.console().match(/kvp: host\.name = tsvisor-host/g)).toHaveLength(1);
  });
});

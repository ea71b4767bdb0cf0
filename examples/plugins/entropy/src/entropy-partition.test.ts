import { startDevicePartition, type DevicePartition } from '@tsvisor/device-sdk/testing';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EntropyVspFactory, type EntropyVsp } from './host/entropy-vsp.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

let vm: DevicePartition | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
});

describe('the entropy device in a real partition', () => {
  it('serves a guest program 100 KiB of uniform-looking bytes, and the program ends', async () => {
    vm = await startDevicePartition({
      program: here('./test-fixtures/guests/entropy-program.ts'),
      plugins: [{ factories: [new EntropyVspFactory()], guestModule: here('./guest/index.ts') }],
      devices: [{ class: 'acme.entropy', config: { maxRequestBytes: 8192 } }],
    });
    const [entropy] = vm.vsps as [EntropyVsp];
    await vm.waitForConsole('entropy: read 102400 bytes in requests of at most 8192');
    await vm.waitForConsole('entropy: histogram ok');
    for (let i = 0; i < 500 && vm.partition.state !== 'off'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(vm.partition.state).toBe('off');
    expect(vm.partition.reason).toContain('exit code 0');
    // One QUERY_LIMITS when the driver bound, then ceil(102400 / 8192) = 13 reads.
    expect(entropy.counters()).toEqual({ requests: 1 + 13, bytes: 102_400, rejected: 0, throttled: 0 });
  });
});

import { DEFAULT_ENTRY_CONDITIONS, locatePackage, resolvePackageEntry } from '@tsvisor/device-sdk/host';
import { startDevicePartition, type DevicePartition } from '@tsvisor/device-sdk/testing';
import {
  HeartbeatManagementProvider,
  HeartbeatVspFactory,
  KvpManagementProvider,
  KvpVspFactory,
  ShutdownManagementProvider,
  ShutdownVspFactory,
  TimeSyncVspFactory,
  type HeartbeatVsp,
  type KvpVsp,
  type ShutdownVsp,
} from '@tsvisor/integration/host';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The integration services' guest module, from source as the tests run. */
async function integrationGuestModule(): Promise<string> {
  const packageDir = await locatePackage('@tsvisor/integration', here('.'));
  if (!packageDir) throw new Error('@tsvisor/integration is not installed');
  return resolvePackageEntry(packageDir, './guest', ['@tsvisor/source', ...DEFAULT_ENTRY_CONDITIONS]);
}

/** How many primes are below `limit`, and the largest: a plain sieve, independent of the program's. */
function primesBelow(limit: number): { found: number; largest: number } {
  const composite = new Uint8Array(limit);
  let found = 0;
  let largest = 0;
  for (let n = 2; n < limit; n++) {
    if (composite[n] === 1) continue;
    found++;
    largest = n;
    for (let multiple = n * n; multiple < limit; multiple += n) composite[multiple] = 1;
  }
  return { found, largest };
}

/** Polls `read` every 20 ms until `accept` holds for its value (fails after 10 s). */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = await read();
    if (accept(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the value did not come within 10 s');
}

let vm: DevicePartition | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
});

describe('the prime-service guest program', () => {
  it('sieves at each time sample, publishes and prints its results, keeps its heartbeat, and halts on an accepted shutdown', async () => {
    vm = await startDevicePartition({
      program: here('./prime-service.ts'),
      plugins: [
        {
          factories: [new HeartbeatVspFactory(), new ShutdownVspFactory(), new TimeSyncVspFactory(), new KvpVspFactory()],
          guestModule: await integrationGuestModule(),
        },
      ],
      devices: [
        { class: 'integration.heartbeat', config: { intervalMs: 50 } },
        { class: 'integration.shutdown', config: { timeoutSeconds: 5 } },
        { class: 'integration.timesync', config: { intervalMs: 50 } },
        { class: 'integration.kvp' },
      ],
    });
    const [heartbeatVsp, shutdownVsp, , kvpVsp] = vm.vsps as [HeartbeatVsp, ShutdownVsp, unknown, KvpVsp];
    const { heartbeat$ } = new HeartbeatManagementProvider().manage(heartbeatVsp);
    const { shutdown } = new ShutdownManagementProvider().manage(shutdownVsp);
    const kvp = new KvpManagementProvider().manage(kvpVsp).operations!;
    const signal = new AbortController().signal;
    const invoke = (name: string, input: unknown): Promise<unknown> => kvp[name]!.invoke(kvp[name]!.input.parse(input), signal);
    const primesFound = async (): Promise<number> => ((await invoke('kvp.get', { pool: 'GUEST', key: 'primes.found' })) as { value: number }).value;

    await vm.waitForConsole('hello from prime-service');
    await firstValueFrom(kvpVsp.available$.pipe(filter(Boolean), timeout(10_000)));
    expect(await invoke('kvp.get', { pool: 'GUEST', key: 'guest.program' })).toEqual({ key: 'guest.program', value: 'prime-service', type: 'string' });

    const first = await eventually(primesFound, (found) => found > 0);
    await eventually(primesFound, (found) => found > first);
    expect(await invoke('kvp.get', { pool: 'GUEST', key: 'primes.largest' })).toMatchObject({ type: 'dword', value: expect.any(Number) });

    await vm.waitForConsole(' primes below ');
    const progress = /^([\d,]+) primes below ([\d,]+), the largest ([\d,]+)$/m.exec(vm.console());
    expect(progress).not.toBeNull();
    const [found, below, largest] = progress!.slice(1).map((text) => Number(text.replaceAll(',', '')));
    expect(primesBelow(below!)).toEqual({ found, largest });

    expect(await firstValueFrom(heartbeat$!.pipe(filter((h) => h === 'ok'), timeout(10_000)))).toBe('ok');

    expect(await shutdown!({ reason: 'host maintenance', restart: false, signal })).toBe('accepted');
    await vm.waitForConsole('shutdown: host maintenance after ');
    for (let i = 0; i < 500 && vm.partition.state !== 'off'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(vm.partition.state).toBe('off');
    expect(vm.partition.reason).toContain('exit code 0');
  });
});

import type { DevicePartition } from '@tsvisor/device-sdk/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startIntegrationGuest } from './test-fixtures/integration-guest-vm.js';


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
    const guest = await startIntegrationGuest('prime-service.ts');
    vm = guest.vm;
    const { kvpVsp, heartbeat$, shutdown, invoke } = guest;
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

    expect(await shutdown({ reason: 'host maintenance', restart: false, signal: new AbortController().signal })).toBe('accepted');
    await vm.waitForConsole('shutdown: host maintenance after ');
    for (let i = 0; i < 500 && vm.partition.state !== 'off'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(vm.partition.state).toBe('off');
    expect(vm.partition.reason).toContain('exit code 0');
  });
});

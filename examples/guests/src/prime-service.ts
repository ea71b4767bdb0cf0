import type { Machine } from '@tsvisor/guest';
import { HeartbeatApplicationState, KvpValueType } from '@tsvisor/integration';
import type { GuestKvp } from '@tsvisor/integration/guest';
import { firstValueFrom, share, take, takeUntil } from 'rxjs';
import { integrationDevices } from './integration-devices.js';
import { PrimeSieve } from './prime-sieve.js';

/** The program's name, in its greeting and in its Guest pool. */
const PROGRAM_NAME = 'prime-service';

/** How long the program sieves at each host time sample, ms: visible work that leaves its VP idle most of the time. */
const SIEVE_BUDGET_MS = 40;

/** Host time between two progress lines on the console, ms. */
const PROGRESS_EVERY_MS = 2_000;

/** What the program publishes in its KVP Guest pool besides its results. */
const PUBLISHED: Readonly<Record<string, string>> = {
  'guest.os': 'tsvisor-guest',
  'guest.program': PROGRAM_NAME,
};

/** `n` with thousands separators, the same in every locale. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Publishes the sieve's results in the Guest pool: `primes.found` and `primes.largest`, both DWORDs. */
function publishResults(kvp: GuestKvp, sieve: PrimeSieve): void {
  kvp.set('primes.found', { type: KvpValueType.DWORD, value: sieve.found });
  kvp.set('primes.largest', { type: KvpValueType.DWORD, value: sieve.largest });
}

/**
 * A guest program that does visible work while living with the four integration services. It
 * greets, publishes {@link PUBLISHED} in its KVP Guest pool, keeps its heartbeat answering, and at
 * each host time sample (the guest realm has no timers) sieves the next primes for
 * {@link SIEVE_BUDGET_MS}, then publishes `primes.found` and `primes.largest` in its Guest pool; every
 * {@link PROGRESS_EVERY_MS} of host time it prints how far it got. On the host's first shutdown
 * request it accepts, prints `shutdown: <reason> after <n> primes` and ends with 0, which halts the VM.
 *
 * Needs the devices `integration.heartbeat`, `integration.shutdown`, `integration.timesync` and
 * `integration.kvp`; without one, it says which and ends with 1.
 */
export default async function primeService(machine: Machine): Promise<number> {
  const devices = integrationDevices(machine, PROGRAM_NAME);
  if (!devices) return 1;
  const { heartbeat, shutdown, clock, kvp } = devices;

  machine.console.log(`hello from ${PROGRAM_NAME}: sieving primes for ${SIEVE_BUDGET_MS} ms at each host time sample`);
  const sieve = new PrimeSieve();
  for (const [key, value] of Object.entries(PUBLISHED)) kvp.set(key, value);
  publishResults(kvp, sieve);
  heartbeat.applicationState = HeartbeatApplicationState.HEALTHY;
  heartbeat.answering = true;

  // One subscription to the requests: while it lasts, the driver waits for this program's answer.
  const shutdownRequest$ = shutdown.requests$.pipe(take(1), share());
  let lastProgressAt = -Infinity;
  clock.samples$.pipe(takeUntil(shutdownRequest$)).subscribe(({ hostTimeMs }) => {
    if (sieve.finished) return;
    const start = Date.now();
    do sieve.sieveSlice();
    while (!sieve.finished && Date.now() - start < SIEVE_BUDGET_MS);
    publishResults(kvp, sieve);
    if (sieve.finished) {
      machine.console.log(`sieved every number below ${count(sieve.limit)}: ${count(sieve.found)} primes`);
    } else if (hostTimeMs - lastProgressAt >= PROGRESS_EVERY_MS) {
      lastProgressAt = hostTimeMs;
      machine.console.log(`${count(sieve.found)} primes below ${count(sieve.sievedBelow)}, the largest ${count(sieve.largest)}`);
    }
  });
  const request = await firstValueFrom(shutdownRequest$);
  request.accept();
  machine.console.log(`shutdown: ${request.message || request.action} after ${count(sieve.found)} primes`);
  return 0;
}

import type { Machine } from '@tsvisor/guest';
import { HeartbeatApplicationState, KvpPool, type KvpValue } from '@tsvisor/integration';
import type { GuestKvp } from '@tsvisor/integration/guest';
import { defer, firstValueFrom, mergeMap, share, startWith, take, takeUntil, type Observable } from 'rxjs';
import { integrationDevices } from './integration-devices.js';

/** The program's name, in its greeting and in its Guest pool. */
const PROGRAM_NAME = 'integration-services';

/** What the program publishes in its KVP Guest pool, for the host to read. */
const PUBLISHED: Readonly<Record<string, string>> = {
  'guest.os': 'tsvisor-guest',
  'guest.program': PROGRAM_NAME,
};

/** A value the host wrote, as text. */
interface HostValue {
  readonly key: string;
  readonly text: string;
}

function textOf(value: KvpValue): string {
  return 'text' in value ? value.text : String(value.value);
}

/**
 * Each value of the External pool (the one the host writes) once: a new key, or a new value of a
 * key, looked at on subscription and at every `tick$`. The KVP driver answers the host's writes by
 * itself and tells nobody, so the program looks when something else happens.
 */
function hostValues(kvp: GuestKvp, tick$: Observable<unknown>): Observable<HostValue> {
  return defer(() => {
    const seen = new Map<string, string>();
    return tick$.pipe(
      startWith(undefined),
      mergeMap(() => {
        const fresh: HostValue[] = [];
        for (const [key, value] of kvp.entries(KvpPool.EXTERNAL)) {
          const text = textOf(value);
          if (seen.get(key) === text) continue;
          seen.set(key, text);
          fresh.push({ key, text });
        }
        return fresh;
      }),
    );
  });
}

/**
 * A guest program living with the four integration services: it greets, publishes
 * {@link PUBLISHED} in its KVP Guest pool, keeps its heartbeat answering (the driver answers; the
 * program reports itself healthy), prints each value the host sets in its External pool as
 * `kvp: <key> = <value>`, looking at every host time sample, and on the host's first shutdown
 * request accepts it, prints `shutdown: <reason>` and ends with 0, which halts the VM. Nothing
 * here spins: it only reacts to the drivers' observables.
 *
 * Needs the devices `integration.heartbeat`, `integration.shutdown`, `integration.timesync` and
 * `integration.kvp`; without one, it says which and ends with 1.
 */
export default async function integrationServices(machine: Machine): Promise<number> {
  const devices = integrationDevices(machine, PROGRAM_NAME);
  if (!devices) return 1;
  const { heartbeat, shutdown, clock, kvp } = devices;

  machine.console.log(`hello from ${PROGRAM_NAME}, a tsvisor guest program`);
  for (const [key, value] of Object.entries(PUBLISHED)) kvp.set(key, value);
  heartbeat.applicationState = HeartbeatApplicationState.HEALTHY;
  heartbeat.answering = true;

  // One subscription to the requests: while it lasts, the driver waits for this program's answer.
  const shutdownRequest$ = shutdown.requests$.pipe(take(1), share());
  hostValues(kvp, clock.samples$)
    .pipe(takeUntil(shutdownRequest$))
    .subscribe(({ key, text }) => machine.console.log(`kvp: ${key} = ${text}`));
  const request = await firstValueFrom(shutdownRequest$);
  request.accept();
  machine.console.log(`shutdown: ${request.message || request.action}`);
  return 0;
}

import type { HeartbeatDevice } from '../../guest/heartbeat-driver.js';
import type { GuestKvp } from '../../guest/kvp-driver.js';
import type { ShutdownDevice } from '../../guest/shutdown-driver.js';
import type { GuestClock } from '../../guest/timesync-driver.js';
import { KvpPool } from '../../protocol/kvp.js';

/** The part of the guest kernel's Machine this program uses (device packages do not import the kernel). */
interface Machine {
  readonly devices: { first<Device>(classId: string): Device | undefined };
  readonly console: { log(...values: unknown[]): void };
}

/**
 * Test guest program with the four integration services. It publishes `Role` = `web` in its KVP
 * Guest pool, logs how far the host's clock is from its own at each time sample, and follows the
 * host's shutdown requests as commands: `hang` stops answering heartbeats, `wake` resumes them,
 * `kvp` logs the host's `HostName` from the External pool (each of those vetoed); any other
 * request is accepted and the program ends, which halts the VM.
 */
export default function program(machine: Machine): Promise<number> {
  const heartbeat = machine.devices.first<HeartbeatDevice>('integration.heartbeat');
  const shutdown = machine.devices.first<ShutdownDevice>('integration.shutdown');
  const clock = machine.devices.first<GuestClock>('integration.timesync');
  const kvp = machine.devices.first<GuestKvp>('integration.kvp');
  if (!heartbeat || !shutdown || !clock || !kvp) return Promise.resolve(1);
  kvp.set('Role', 'web');
  clock.samples$.subscribe(() => machine.console.log(`clock ahead by ${Math.round((clock.now() - Date.now()) / 1000)} s`));
  machine.console.log('ready');
  return new Promise((resolve) => {
    shutdown.requests$.subscribe((request) => {
      if (request.message === 'hang') {
        heartbeat.answering = false;
        machine.console.log('hanging');
        request.veto();
      } else if (request.message === 'wake') {
        heartbeat.answering = true;
        request.veto();
      } else if (request.message === 'kvp') {
        const host = kvp.get(KvpPool.EXTERNAL, 'HostName');
        machine.console.log(`host name: ${host && 'text' in host ? host.text : '(none)'}`);
        request.veto();
      } else {
        machine.console.log(`shutting down: ${request.action}`);
        request.accept();
        resolve(0);
      }
    });
  });
}

import type { Machine } from '@tsvisor/guest';
import type { GuestClock, GuestKvp, HeartbeatDevice, ShutdownDevice } from '@tsvisor/integration/guest';

/** The devices of the four integration services, as a guest program uses them. */
export interface IntegrationDevices {
  readonly heartbeat: HeartbeatDevice;
  readonly shutdown: ShutdownDevice;
  readonly clock: GuestClock;
  readonly kvp: GuestKvp;
}

const CLASS_IDS = ['integration.heartbeat', 'integration.shutdown', 'integration.timesync', 'integration.kvp'] as const;

/**
 * The integration services devices of `machine`. When one is missing, the program named
 * `programName` says which on the console, and the answer is `undefined`.
 */
export function integrationDevices(machine: Machine, programName: string): IntegrationDevices | undefined {
  const heartbeat = machine.devices.first<HeartbeatDevice>('integration.heartbeat');
  const shutdown = machine.devices.first<ShutdownDevice>('integration.shutdown');
  const clock = machine.devices.first<GuestClock>('integration.timesync');
  const kvp = machine.devices.first<GuestKvp>('integration.kvp');
  if (heartbeat && shutdown && clock && kvp) return { heartbeat, shutdown, clock, kvp };
  const present = new Set(machine.devices.all().map((device) => device.classId));
  machine.console.log(`${programName}: missing devices ${CLASS_IDS.filter((id) => !present.has(id)).join(', ')}`);
  return undefined;
}

import type { Guid } from '@tsvisor/wire';
import type { ConfigSchema } from './config/config-schema.js';

/** How a device class's channels are set up; every field has a default. */
export interface DeviceChannelSettings {
  /** Pipe mode (integration services, hv_sock): payloads carry a pipe header. Default none. */
  readonly pipeMode?: 'byte' | 'message';
  /** Pages of each ring, control page included. Default 16. */
  readonly ringPages?: number;
  /** Largest completion payload the VSP sends. Default 256. */
  readonly maxCompletionSize?: number;
  /**
   * Packets the host end takes off its ring before it yields to its event loop (host side).
   * Default 1024. A VSP whose requests complete through promises (the disk's) keeps this small:
   * their completions go out only once it yields, so a small turn lets the guest refill the ring
   * while the host works, instead of both taking turns.
   */
  readonly maxPacketsPerTurn?: number;
}

/**
 * A class of synthetic device (DESIGN §5): what the host offers on VMBus and the guest binds a
 * driver to. The host side (a {@link VspFactory}) and the guest side (a `VscDriver`) of one class
 * share this description, usually from the plugin's protocol module.
 */
export interface DeviceClass<Config = unknown> {
  /** Lower-case dotted id used in VM configurations, e.g. `integration.heartbeat`. */
  readonly id: string;
  /** The VMBus interface type GUID the guest binds its driver by. */
  readonly interfaceType: Guid;
  /** A short human name, e.g. `Heartbeat`. */
  readonly displayName: string;
  /** The device's configuration in a VM: validated with errors naming the field; yields JSON Schema. */
  readonly config: ConfigSchema<Config>;
  readonly channel?: DeviceChannelSettings;
}

const CLASS_ID = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** Whether `id` is a valid device class id: lower-case dotted words, at least two. */
export function isDeviceClassId(id: string): boolean {
  return CLASS_ID.test(id);
}

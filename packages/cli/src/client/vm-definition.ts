import type { JsonObject } from '@tsvisor/vmms';

/** One device of a VM to be defined; the VMMS picks the instance id when none is given. */
export interface VmDeviceDefinition {
  /** The device class id, e.g. `integration.heartbeat`. */
  readonly class: string;
  readonly instanceId?: string;
  /** The class's configuration; `{}` takes the class's defaults. */
  readonly config?: JsonObject;
}

/** The body of `POST /vms`: a new VM. The VMMS picks its id and creation time. */
export interface VmDefinition {
  readonly name: string;
  /** Guest memory, bytes or text with a binary unit: `"64M"`. */
  readonly memory: string | number;
  readonly processors?: number;
  /** Halt polling: how long an idle virtual processor may poll for an interrupt before it sleeps, µs (0: off). */
  readonly haltPollUs?: number;
  readonly notes?: string;
  /** The guest program, an absolute path on the daemon's host. */
  readonly guest: { readonly program: string };
  readonly devices?: readonly VmDeviceDefinition[];
}

/** The body of `PATCH /vms/{vm}`: the settings to change, the others kept. */
export type VmModification = Partial<Pick<VmDefinition, 'name' | 'memory' | 'processors' | 'haltPollUs' | 'notes' | 'guest' | 'devices'>>;

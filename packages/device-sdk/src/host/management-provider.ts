import type { Observable } from 'rxjs';
import type { ServiceIdentifier } from 'inversify';
import type { ConfigSchema } from '../config/config-schema.js';
import type { Vsp } from './vsp.js';

/** The guest's heartbeat as a device observes it; the VMMS maps it to the codes of PROTOCOLS.md §6. */
export type GuestHeartbeat = 'ok' | 'error' | 'no-contact' | 'lost-communication';

/** How the guest answered a guest-assisted shutdown or restart. */
export type GuestShutdownOutcome = 'accepted' | 'vetoed' | 'no-answer';

/** What a guest-assisted shutdown asks for. */
export interface GuestShutdownRequest {
  /** Shown to the guest (and its log). */
  readonly reason: string;
  /** Restart instead of power off. */
  readonly restart: boolean;
  /** Aborts the wait for the guest's answer. */
  readonly signal: AbortSignal;
}

/**
 * A named management operation of one device (`POST /vms/{vm}/devices/{id}/operations/{name}`):
 * its input is checked by `input` (a `DeviceConfigError` names the bad field, and the operation
 * is not run), its result must be plain JSON.
 */
export interface DeviceOperation<Input = unknown> {
  /** One line for `GET …/devices` and the CLI. */
  readonly description: string;
  readonly input: ConfigSchema<Input>;
  invoke(input: Input, signal: AbortSignal): Promise<unknown>;
}

/**
 * Management of one device of one running VM, made by its class's {@link ManagementProvider}.
 * Every member is optional: a device offers what it has. The worker process hosts it next to
 * the VSP and carries its reports and operations to the VMMS over its control channel.
 */
export interface DeviceManagement {
  /** State: the guest's heartbeat, if this device observes it (the VM's heartbeat is the first such device's). */
  readonly heartbeat$?: Observable<GuestHeartbeat>;
  /** State change: a guest-assisted shutdown or restart, if this device can ask the guest for one. */
  shutdown?(request: GuestShutdownRequest): Promise<GuestShutdownOutcome>;
  /** Counters (names stable); the VSP's own `counters()` when omitted. */
  counters?(): Readonly<Record<string, number>>;
  /** Settings: further named operations. */
  readonly operations?: Readonly<Record<string, DeviceOperation>>;
}

/**
 * A device package's management provider for one of its classes (DESIGN §6): given the VSP of a
 * device in a running VM, the {@link DeviceManagement} the VMMS reaches it through. Contributed by
 * the plugin's host module: `bind(ManagementProviderContribution).toConstantValue(provider)`.
 */
export interface ManagementProvider<V extends Vsp = Vsp> {
  /** The device class it manages. */
  readonly classId: string;
  manage(vsp: V): DeviceManagement;
}

/** Contribution point of {@link ManagementProvider}s, multi-injected by the host. */
export const ManagementProviderContribution: ServiceIdentifier<ManagementProvider> = Symbol.for('@tsvisor/device-sdk/ManagementProvider');

import type { ServiceIdentifier } from 'inversify';
import type { ConfigSchema } from '../config/config-schema.js';
import { schema } from '../config/schema.js';

/** Letters, digits, `.`, `_` and `-`: a switch's name is also the name of its file in the VMMS inventory. */
export const VIRTUAL_SWITCH_NAME_PATTERN = '^[A-Za-z0-9._-]+$';

/**
 * A virtual switch as an operator defines it (Hyper-V's `New-VMSwitch`): plain data, kept by the
 * VMMS in its inventory and handed to {@link VirtualSwitchManagementService.create} to bring the
 * switch up.
 */
export interface VirtualSwitchDefinition {
  /** Unique on the host: 1 to 64 letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** One of {@link VirtualSwitchManagementService.kinds}: `private` joins VMs only, `internal` also the host. */
  readonly kind: string;
  /** Free text for operators. */
  readonly notes?: string;
  /** Most ports at once; the service's default otherwise. */
  readonly maxPorts?: number;
  /** How long a learned MAC address stays without being seen again, seconds; the service's default otherwise. */
  readonly macAgingSeconds?: number;
}

/** The 802.1Q settings of a port: an access port of one VLAN, or a trunk. */
export type VirtualSwitchPortVlan =
  | { readonly mode: 'access'; readonly vlanId: number }
  | { readonly mode: 'trunk'; readonly allowedVlans: readonly number[]; readonly nativeVlan?: number };

/** One port of a switch, as {@link VirtualSwitchStatus.ports} lists it. */
export interface VirtualSwitchPortStatus {
  /** The port's name, unique on its switch. */
  readonly name: string;
  /** The VM whose adapter the port connects, if a VM's. */
  readonly vm?: string;
  /** The adapter's MAC address, `00-15-5D-01-02-03`. */
  readonly macAddress?: string;
  readonly vlan?: VirtualSwitchPortVlan;
  /** The port's counters by name (frames and bytes in and out, drops by cause, …). */
  readonly counters: Readonly<Record<string, number>>;
}

/** A switch that is up, as the service sees it now. */
export interface VirtualSwitchStatus {
  readonly name: string;
  readonly kind: string;
  /** The ports attached now. */
  readonly ports: readonly VirtualSwitchPortStatus[];
  /** The switch's own counters by name (frames forwarded, flooded, learned addresses, …). */
  readonly counters: Readonly<Record<string, number>>;
}

/**
 * The schema of a {@link VirtualSwitchDefinition}: `parse` checks untrusted input (a REST body, an
 * inventory file) or throws a `DeviceConfigError` naming the field. The VMMS and services share it.
 */
export const virtualSwitchDefinitionSchema: ConfigSchema<VirtualSwitchDefinition> = schema.object({
  name: schema.string({ minLength: 1, maxLength: 64, pattern: VIRTUAL_SWITCH_NAME_PATTERN, description: 'Unique name of the switch: letters, digits, ".", "_", "-"' }),
  kind: schema.string({ minLength: 1, maxLength: 32, description: 'What it connects: private (VMs only), internal (VMs and the host), or a kind a plugin adds' }),
  notes: schema.optional(schema.string({ maxLength: 1024, description: 'Free text for operators' })),
  maxPorts: schema.optional(schema.integer({ min: 1, max: 4096, description: "Most ports at once; the service's default otherwise" })),
  macAgingSeconds: schema.optional(schema.integer({ min: 1, max: 1_000_000, description: "How long a learned MAC address stays unseen, seconds; the service's default otherwise" })),
});

/**
 * The virtual switches of the host (Hyper-V's `Msvm_VirtualEthernetSwitchManagementService`): the
 * VMMS keeps their definitions and brings each up through this service, which a network plugin
 * provides by binding one to {@link VirtualSwitchManagementContribution}. Switches live in the
 * process of the service (the VMMS's); VM adapters attach to them by name.
 */
export interface VirtualSwitchManagementService {
  /** The kinds of switch it can create, e.g. `['private', 'internal']`. */
  kinds(): string[];
  /**
   * Brings the switch `definition` describes up, and describes it.
   * @throws `VirtualSwitchNameTakenError` when a switch has the name already; `DeviceConfigError`
   *   naming a field it refuses (an unknown kind, a limit out of its range).
   */
  create(definition: VirtualSwitchDefinition): Promise<VirtualSwitchStatus>;
  /**
   * Takes the switch `name` down.
   * @throws `VirtualSwitchInUseError` naming it and its ports while VM ports are attached;
   *   `VirtualSwitchNotFoundError` when there is none.
   */
  delete(name: string): Promise<void>;
  /** The switch named exactly `name`, with its ports and counters now, or `undefined`. */
  get(name: string): VirtualSwitchStatus | undefined;
  /** Every switch that is up, sorted by name. */
  list(): VirtualSwitchStatus[];
}

/**
 * Where a plugin contributes the host's {@link VirtualSwitchManagementService}:
 * `bind(VirtualSwitchManagementContribution).toService(MySwitchService)`. At most one may be bound.
 */
export const VirtualSwitchManagementContribution: ServiceIdentifier<VirtualSwitchManagementService> = Symbol.for('@tsvisor/device-sdk/VirtualSwitchManagement');

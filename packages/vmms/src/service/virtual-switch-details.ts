import type { VirtualSwitchPortStatus } from '@tsvisor/device-sdk/host';

/**
 * A virtual switch as the VMMS reports it (`GET /switches/{name}`, `tsvisor switch show`): its
 * definition from the inventory, and its ports and counters now, from the host's virtual switch
 * service.
 */
export interface VirtualSwitchDetails {
  readonly name: string;
  /** `private`, `internal`, or a kind a plugin adds. */
  readonly kind: string;
  readonly notes?: string;
  readonly maxPorts?: number;
  readonly macAgingSeconds?: number;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Whether the switch is up in the host's switch service (false: it failed to come up at start; see the inventory problems). */
  readonly up: boolean;
  /** The ports attached now: each with its VM, MAC address, VLAN and counters. */
  readonly ports: readonly VirtualSwitchPortStatus[];
  /** The switch's own counters by name. */
  readonly counters: Readonly<Record<string, number>>;
}

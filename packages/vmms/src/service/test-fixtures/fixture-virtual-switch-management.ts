import { DeviceConfigError } from '@tsvisor/device-sdk';
import {
  virtualSwitchDefinitionSchema,
  VirtualSwitchInUseError,
  VirtualSwitchNameTakenError,
  VirtualSwitchNotFoundError,
  type VirtualSwitchDefinition,
  type VirtualSwitchManagementService,
  type VirtualSwitchPortStatus,
  type VirtualSwitchStatus,
} from '@tsvisor/device-sdk/host';

/** A switch the fixture keeps: its definition, its ports, and its counters. */
interface FixtureSwitch {
  readonly definition: VirtualSwitchDefinition;
  readonly ports: Map<string, VirtualSwitchPortStatus>;
  readonly counters: Record<string, number>;
}

/**
 * TEST FIXTURE, not a network implementation: a {@link VirtualSwitchManagementService} that keeps
 * real switch records in memory and enforces the contract (kinds, unique names, no deletion while
 * ports are attached), so that the VMMS can be tested against the contract before the network
 * plugin's switch service is wired in. Tests attach ports with {@link attachPort} as VM adapters would.
 */
export class FixtureVirtualSwitchManagement implements VirtualSwitchManagementService {
  private readonly switches = new Map<string, FixtureSwitch>();
  /** Every call of `create` and `delete`, in order: `create lan`, `delete lan`. */
  readonly calls: string[] = [];

  constructor(private readonly supportedKinds: readonly string[] = ['private', 'internal']) {}

  kinds(): string[] {
    return [...this.supportedKinds];
  }

  async create(definition: VirtualSwitchDefinition): Promise<VirtualSwitchStatus> {
    this.calls.push(`create ${definition.name}`);
    const checked = virtualSwitchDefinitionSchema.parse(definition);
    if (!this.supportedKinds.includes(checked.kind)) throw new DeviceConfigError('kind', `must be one of ${this.supportedKinds.join(', ')}`);
    if (this.switches.has(checked.name)) throw new VirtualSwitchNameTakenError(checked.name);
    this.switches.set(checked.name, { definition: checked, ports: new Map(), counters: { framesForwarded: 0, framesFlooded: 0 } });
    return this.get(checked.name)!;
  }

  async delete(name: string): Promise<void> {
    this.calls.push(`delete ${name}`);
    const vswitch = this.switches.get(name);
    if (vswitch === undefined) throw new VirtualSwitchNotFoundError(name);
    if (vswitch.ports.size > 0) {
      throw new VirtualSwitchInUseError(name, [...vswitch.ports.values()].map((port) => (port.vm === undefined ? port.name : `${port.name} (${port.vm})`)));
    }
    this.switches.delete(name);
  }

  get(name: string): VirtualSwitchStatus | undefined {
    const vswitch = this.switches.get(name);
    if (vswitch === undefined) return undefined;
    return { name, kind: vswitch.definition.kind, ports: [...vswitch.ports.values()], counters: { ...vswitch.counters } };
  }

  list(): VirtualSwitchStatus[] {
    return [...this.switches.keys()].sort().map((name) => this.get(name)!);
  }

  /** Attaches `port` to switch `name`, as a VM's adapter does when the VM starts. */
  attachPort(name: string, port: VirtualSwitchPortStatus): void {
    const vswitch = this.switches.get(name);
    if (vswitch === undefined) throw new VirtualSwitchNotFoundError(name);
    vswitch.ports.set(port.name, port);
    vswitch.counters['framesForwarded']! += port.counters['framesIn'] ?? 0;
  }

  /** Detaches port `portName` from switch `name`. */
  detachPort(name: string, portName: string): void {
    this.switches.get(name)?.ports.delete(portName);
  }
}

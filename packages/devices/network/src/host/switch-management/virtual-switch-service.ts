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
import { inject, injectable } from 'inversify';
import { formatMac } from '../../protocol/mac-address.js';
import { LocalSwitchDirectory } from '../switch-directory/local-switch-directory.js';
import type { SwitchKind } from '../switch/switch-kind.js';
import type { SwitchPort } from '../switch/switch-port.js';
import type { VirtualSwitch } from '../switch/virtual-switch.js';

const KINDS: readonly SwitchKind[] = ['private', 'internal'];

/**
 * The host's virtual switch management service (Hyper-V's
 * `Msvm_VirtualEthernetSwitchManagementService`) over the host's {@link LocalSwitchDirectory}: the
 * VMMS brings the switches of its inventory up through it, and the adapters of the host's VMs
 * attach to them by name.
 */
@injectable()
export class VirtualSwitchService implements VirtualSwitchManagementService {
  constructor(@inject(LocalSwitchDirectory) private readonly directory: LocalSwitchDirectory) {}

  kinds(): string[] {
    return [...KINDS];
  }

  create(definition: VirtualSwitchDefinition): Promise<VirtualSwitchStatus> {
    try {
      const checked = virtualSwitchDefinitionSchema.parse(definition);
      const kind = KINDS.find((k) => k === checked.kind);
      if (!kind) throw new DeviceConfigError('kind', `must be one of ${KINDS.join(', ')}, got ${JSON.stringify(checked.kind)}`);
      const taken = this.directory.list().find((s) => s.name.toLowerCase() === checked.name.toLowerCase());
      if (taken) throw new VirtualSwitchNameTakenError(checked.name, taken.name);
      const vswitch = this.directory.create({
        name: checked.name,
        kind,
        ...(checked.maxPorts === undefined ? {} : { maxPorts: checked.maxPorts }),
        ...(checked.macAgingSeconds === undefined ? {} : { macAgingTimeMs: checked.macAgingSeconds * 1000 }),
      });
      return Promise.resolve(switchStatus(vswitch));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  delete(name: string): Promise<void> {
    const vswitch = this.directory.get(name);
    if (!vswitch) return Promise.reject(new VirtualSwitchNotFoundError(name));
    const ports = vswitch.connectedPorts;
    if (ports.length > 0) return Promise.reject(new VirtualSwitchInUseError(name, ports.map((port) => (port.vm ? `${port.name} (${port.vm})` : port.name))));
    this.directory.delete(name);
    return Promise.resolve();
  }

  get(name: string): VirtualSwitchStatus | undefined {
    const vswitch = this.directory.get(name);
    return vswitch ? switchStatus(vswitch) : undefined;
  }

  list(): VirtualSwitchStatus[] {
    return this.directory
      .list()
      .map((summary) => this.get(summary.name))
      .filter((status): status is VirtualSwitchStatus => status !== undefined)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

function switchStatus(vswitch: VirtualSwitch): VirtualSwitchStatus {
  return {
    name: vswitch.name,
    kind: vswitch.kind,
    ports: vswitch.connectedPorts.map(portStatus),
    counters: { ...vswitch.counters, ...prefixed('macTable.', vswitch.macTableCounters) },
  };
}

function portStatus(port: SwitchPort): VirtualSwitchPortStatus {
  return {
    name: port.name,
    ...(port.vm === undefined ? {} : { vm: port.vm }),
    ...(port.macAddress === undefined ? {} : { macAddress: formatMac(port.macAddress, 'hyper-v') }),
    vlan: port.vlanConfig,
    counters: { ...port.counters, queued: port.queued },
  };
}

function prefixed(prefix: string, counters: Readonly<object>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(counters)) if (typeof value === 'number') out[prefix + key] = value;
  return out;
}

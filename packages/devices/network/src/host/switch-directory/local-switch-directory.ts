import { injectable } from 'inversify';
import { SwitchStateError } from '../switch/switch-state-error.js';
import type { SwitchPort } from '../switch/switch-port.js';
import type { SwitchPortOptions } from '../switch/switch-port-options.js';
import { VirtualSwitch } from '../switch/virtual-switch.js';
import type { VirtualSwitchOptions } from '../switch/virtual-switch-options.js';
import type { SwitchKind } from '../switch/switch-kind.js';
import type { SwitchDirectory, SwitchPortHandle } from './switch-directory.js';
import { UnknownSwitchError } from './unknown-switch-error.js';

/** One switch as {@link LocalSwitchDirectory.list} reports it. */
export interface SwitchSummary {
  readonly name: string;
  readonly kind: SwitchKind;
  /** Ports attached now. */
  readonly ports: number;
}

/**
 * The switches of this process, by name: {@link VirtualSwitch} instances that every in-process
 * VM of the host shares. The host's composition binds one as the {@link SwitchDirectory}.
 */
@injectable()
export class LocalSwitchDirectory implements SwitchDirectory {
  private readonly switches = new Map<string, VirtualSwitch>();

  /**
   * Creates a switch.
   * @throws SwitchStateError if one has that name already; DeviceConfigError naming a bad option.
   */
  create(options: VirtualSwitchOptions): VirtualSwitch {
    if (this.switches.has(options.name)) throw new SwitchStateError(options.name, 'be created', 'a switch has that name already');
    const vswitch = new VirtualSwitch(options);
    this.switches.set(vswitch.name, vswitch);
    return vswitch;
  }

  /** The switch named `name`, if there is one. */
  get(name: string): VirtualSwitch | undefined {
    return this.switches.get(name);
  }

  /**
   * Deletes the switch named `name` (disposing of it).
   * @throws UnknownSwitchError if there is none; SwitchStateError while ports are attached.
   */
  delete(name: string): void {
    const vswitch = this.switches.get(name);
    if (!vswitch) throw new UnknownSwitchError(name);
    const ports = vswitch.connectedPorts;
    if (ports.length > 0) {
      throw new SwitchStateError(name, 'be deleted', `${ports.length} port(s) are attached: ${ports.map((port) => port.name).join(', ')}`);
    }
    this.switches.delete(name);
    vswitch.dispose();
  }

  attach(switchName: string, options: SwitchPortOptions): SwitchPortHandle {
    const vswitch = this.switches.get(switchName);
    if (!vswitch) throw new UnknownSwitchError(switchName);
    return new LocalSwitchPortHandle(switchName, vswitch.connect(options));
  }

  /** The switches there are. */
  list(): readonly SwitchSummary[] {
    return [...this.switches.values()].map((vswitch) => ({ name: vswitch.name, kind: vswitch.kind, ports: vswitch.connectedPorts.length }));
  }
}

/** A port of a local switch, behind the {@link SwitchPortHandle} interface. */
class LocalSwitchPortHandle implements SwitchPortHandle {
  constructor(
    readonly switchName: string,
    private readonly port: SwitchPort,
  ) {}

  get counters(): SwitchPort['counters'] {
    return this.port.counters;
  }

  send(frame: Uint8Array, offset: number, length: number): boolean {
    return this.port.send(frame, offset, length);
  }

  hasRoomFor(frames: number): boolean {
    return this.port.room >= frames;
  }

  whenRoom(listener: () => void): void {
    this.port.whenRoom(listener);
  }

  detach(): void {
    this.port.disconnect();
  }
}

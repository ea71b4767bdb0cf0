import { DeviceConfigError } from '@tsvisor/device-sdk';
import { ETHERNET_HEADER_SIZE, ETHERNET_MAX_FRAME_SIZE, ETHERNET_VLAN_TAG_SIZE } from '../../protocol/ethernet.js';
import { systemClock, type SwitchClock } from './switch-clock.js';
import type { SwitchKind } from './switch-kind.js';

/** The largest frame a switch carries by default: 1514 bytes and an 802.1Q tag (no FCS). */
export const DEFAULT_MAX_FRAME_SIZE = ETHERNET_MAX_FRAME_SIZE + ETHERNET_VLAN_TAG_SIZE;

/** A virtual switch's configuration; everything but `name` and `kind` has a default. */
export interface VirtualSwitchOptions {
  name: string;
  kind: SwitchKind;
  /** Most ports at once. Default 64. */
  maxPorts?: number;
  /** Most MAC addresses learned at once, over all VLANs. Default 4096. */
  macTableSize?: number;
  /** How long a learned address not seen again stays, ms. Default 300 000 (300 s). */
  macAgingTimeMs?: number;
  /** The longest frame, 802.1Q tag included, FCS excluded. Default 1518. */
  maxFrameSize?: number;
  /** Frames each port's ingress queue holds. Default 256. */
  queueDepth?: number;
  /** Frames taken from one port before the next port's turn. Default 32. */
  roundBudget?: number;
  /** Frames forwarded in one run of the forwarding loop before yielding to I/O. Default 4096. */
  pumpBudget?: number;
  /** Time for aging and capture timestamps. Default the host's clock. */
  clock?: SwitchClock;
}

/** {@link VirtualSwitchOptions} checked, with the defaults filled in. */
export type ResolvedVirtualSwitchOptions = Required<VirtualSwitchOptions>;

/** Checks `options`, naming the first wrong field in a {@link DeviceConfigError}. */
export function resolveVirtualSwitchOptions(options: VirtualSwitchOptions): ResolvedVirtualSwitchOptions {
  if (typeof options.name !== 'string' || options.name === '') throw new DeviceConfigError('name', 'must be a non-empty string');
  if (options.kind !== 'private' && options.kind !== 'internal') throw new DeviceConfigError('kind', "must be 'private' or 'internal'");
  const resolved: ResolvedVirtualSwitchOptions = {
    name: options.name,
    kind: options.kind,
    maxPorts: options.maxPorts ?? 64,
    macTableSize: options.macTableSize ?? 4096,
    macAgingTimeMs: options.macAgingTimeMs ?? 300_000,
    maxFrameSize: options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
    queueDepth: options.queueDepth ?? 256,
    roundBudget: options.roundBudget ?? 32,
    pumpBudget: options.pumpBudget ?? 4096,
    clock: options.clock ?? systemClock,
  };
  checkInteger('maxPorts', resolved.maxPorts, 1, 4096);
  checkInteger('macTableSize', resolved.macTableSize, 1, 1 << 20);
  checkInteger('macAgingTimeMs', resolved.macAgingTimeMs, 1, 1e9);
  checkInteger('maxFrameSize', resolved.maxFrameSize, ETHERNET_HEADER_SIZE + ETHERNET_VLAN_TAG_SIZE, 65_535);
  checkInteger('queueDepth', resolved.queueDepth, 1, 65_536);
  checkInteger('roundBudget', resolved.roundBudget, 1, 65_536);
  checkInteger('pumpBudget', resolved.pumpBudget, 1, 1 << 24);
  if (typeof resolved.clock.now !== 'function') throw new DeviceConfigError('clock', 'must have a now() method');
  return resolved;
}

function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DeviceConfigError(field, `must be an integer from ${min} to ${max}, not ${String(value)}`);
  }
}

import { IpStack } from '../ip-stack.js';
import type { IpStackConfig } from '../ip-stack-config.js';
import { ipv4Address } from '../ipv4-address.js';
import { macAddress } from '../../../protocol/mac-address.js';
import { EthernetCable } from './ethernet-cable.js';

export const MAC_A = macAddress('02:00:00:00:00:0a');
export const MAC_B = macAddress('02:00:00:00:00:0b');
export const ADDRESS_A = ipv4Address('10.0.0.1');
export const ADDRESS_B = ipv4Address('10.0.0.2');
export const NETMASK = ipv4Address('255.255.255.0');

/** Time as the test sets it. */
export class ManualClock {
  now = 0;
  readonly read = (): number => this.now;
}

/**
 * Two stacks on one cable, 10.0.0.1 (a, MAC …:0a) and 10.0.0.2 (b, MAC …:0b) on 10.0.0.0/24,
 * sharing one clock; the announcements made on start are delivered already.
 */
export function connectedStacks(
  overrides: { a?: Partial<IpStackConfig>; b?: Partial<IpStackConfig>; mtu?: number } = {},
): { cable: EthernetCable; clock: ManualClock; a: IpStack; b: IpStack } {
  const clock = new ManualClock();
  const cable = new EthernetCable(MAC_A, MAC_B, overrides.mtu);
  const a = new IpStack(cable.a, { address: ADDRESS_A, netmask: NETMASK, clock: clock.read, ...overrides.a });
  const b = new IpStack(cable.b, { address: ADDRESS_B, netmask: NETMASK, clock: clock.read, ...overrides.b });
  cable.flush();
  return { cable, clock, a, b };
}

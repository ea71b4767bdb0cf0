import { ipv4Address, type Ipv4Address, type MacAddress } from '@tsvisor/network/guest';

/** The subnet of the example network programs: 10.0.0.0/24. */
export const LAN_NETMASK = ipv4Address('255.255.255.0');

/** The UDP port of the echo service. */
export const ECHO_PORT = 7;

/** What the probe sends last, so that the echo service ends. */
export const GOODBYE = 'bye';

/**
 * The example programs' addressing plan: an adapter with MAC `…-NN` has the address `10.0.0.NN`
 * (so the host chooses a VM's address by choosing its MAC), host part 1 to 254.
 */
export function lanAddress(mac: MacAddress): Ipv4Address {
  const host = mac % 256;
  if (host < 1 || host > 254) throw new RangeError(`MAC address ending in ${host} has no address on 10.0.0.0/24`);
  return ipv4Address(`10.0.0.${host}`);
}

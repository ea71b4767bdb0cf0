import { formatIpv4, type Ipv4Address } from './ipv4-address.js';

/** No ARP reply came for a next hop after every request was sent: what waited on it is not sent. */
export class ArpResolutionError extends Error {
  override readonly name = 'ArpResolutionError';

  constructor(
    /** The next hop that did not answer. */
    readonly address: Ipv4Address,
    /** How many requests went out. */
    readonly attempts: number,
  ) {
    super(`no ARP reply from ${formatIpv4(address)} after ${attempts} request${attempts === 1 ? '' : 's'}`);
  }
}

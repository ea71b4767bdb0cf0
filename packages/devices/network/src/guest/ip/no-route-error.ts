import { formatIpv4, type Ipv4Address } from './ipv4-address.js';

/**
 * A destination this stack cannot send to: off the subnet without a gateway, our own address (there
 * is no loopback), or an unspecified or multicast address.
 */
export class NoRouteError extends Error {
  override readonly name = 'NoRouteError';

  constructor(
    /** The destination asked for. */
    readonly address: Ipv4Address,
  ) {
    super(`no route to ${formatIpv4(address)}`);
  }
}

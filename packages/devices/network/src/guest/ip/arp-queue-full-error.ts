import { formatIpv4, type Ipv4Address } from './ipv4-address.js';

/** A packet was refused because the queue of packets waiting for a next hop's MAC address is full. */
export class ArpQueueFullError extends Error {
  override readonly name = 'ArpQueueFullError';

  constructor(
    /** The next hop being resolved. */
    readonly address: Ipv4Address,
    /** How many packets may wait for one next hop. */
    readonly limit: number,
  ) {
    super(`${limit} packets already wait for the MAC address of ${formatIpv4(address)}`);
  }
}

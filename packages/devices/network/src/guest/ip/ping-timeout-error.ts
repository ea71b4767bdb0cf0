import { formatIpv4, type Ipv4Address } from './ipv4-address.js';

/** No echo reply came before a ping's deadline (as the clock read at a `tick`). */
export class PingTimeoutError extends Error {
  override readonly name = 'PingTimeoutError';

  constructor(
    /** The address pinged. */
    readonly address: Ipv4Address,
    /** The time allowed, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`no echo reply from ${formatIpv4(address)} within ${timeoutMs} ms`);
  }
}

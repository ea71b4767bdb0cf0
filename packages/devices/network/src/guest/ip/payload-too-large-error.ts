/** A payload does not fit one IPv4 packet within the link's MTU; this stack never fragments. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';

  constructor(
    /** The payload's size, in bytes. */
    readonly size: number,
    /** The largest payload that fits, in bytes. */
    readonly limit: number,
  ) {
    super(`a ${size}-byte payload exceeds the ${limit} bytes that fit the link's MTU`);
  }
}

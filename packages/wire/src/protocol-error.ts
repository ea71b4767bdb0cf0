/**
 * Where in a layout a {@link ProtocolError} was found. Every part is optional: an error
 * raised outside any layout (say, by `parseGuid`) knows none of them.
 */
export interface ProtocolErrorDetails {
  /** Name of the layout being read or written, as given to `struct`. */
  layout?: string;
  /** Dotted path of the field inside the layout, e.g. `offer.interfaceType` or `entries[2]`. */
  path?: string;
  /** Absolute byte offset in the view where the problem lies. */
  offset?: number;
}

/**
 * Bytes or values that do not follow the wire protocol: a layout that does not fit in its
 * buffer, an integer out of range, a malformed GUID, an unknown enumeration value…
 *
 * The message starts with `layout.path:` when those are known, for example
 * `PacketDescriptor.transactionId: read past the end of the buffer (offset 8, needs 8 bytes, 4 available)`.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** Name of the layout being read or written, if any. */
  readonly layout: string | undefined;
  /** Path of the offending field inside {@link ProtocolError.layout}, if known. */
  readonly path: string | undefined;
  /** Absolute byte offset of the offending field, if known. */
  readonly offset: number | undefined;

  /**
   * @param message - What is wrong, without the location: the constructor prefixes `layout.path: `.
   * @param details - Where it is wrong, as far as known.
   */
  constructor(message: string, details: ProtocolErrorDetails = {}) {
    const where = [details.layout, details.path].filter(Boolean).join('.');
    super(where ? `${where}: ${message}` : message);
    this.layout = details.layout;
    this.path = details.path;
    this.offset = details.offset;
  }
}

/**
 * How error messages quote an offending value: strings in quotes, bigints with their `n`.
 * @internal
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

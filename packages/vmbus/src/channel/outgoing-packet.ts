/**
 * One guest-physical range of a GPA-direct packet (PROTOCOLS.md §1): `byteCount` bytes starting
 * `byteOffset` bytes into the page `pfns[0]`, continuing through the following PFNs.
 * `pfns.length` must be `ceil((byteOffset + byteCount) / 4096)`.
 */
export interface GpaRangeSpec {
  readonly byteOffset: number;
  readonly byteCount: number;
  readonly pfns: readonly number[];
}

/** One range of a transfer-page packet: `byteCount` bytes at `byteOffset` into the page set. */
export interface TransferPageRangeSpec {
  readonly byteOffset: number;
  readonly byteCount: number;
}

/**
 * A packet to send. The object is read during the call that takes it (or, for
 * {@link Channel.send} that has to wait for room, until its promise settles), so one object may be
 * reused for every packet: the fast path allocates nothing.
 *
 * At most one of {@link OutgoingPacket.gpaRanges} and {@link OutgoingPacket.transferPages} is
 * given; with neither the packet is DATA_INBAND.
 */
export interface OutgoingPacket {
  /** The inband payload (for GPA-direct and transfer-page packets: the request that describes the data). */
  payload: Uint8Array;
  /** Start of the payload in {@link OutgoingPacket.payload}; default 0. */
  offset?: number;
  /** Payload length; default the rest of {@link OutgoingPacket.payload}. */
  length?: number;
  /** DATA_USING_GPA_DIRECT: guest pages holding the bulk data, read or written in place by the host. */
  gpaRanges?: readonly GpaRangeSpec[];
  /** DATA_USING_TRANSFER_PAGES: ranges of a page set the receiver shared earlier. */
  transferPages?: { readonly pagesetId: number; readonly ranges: readonly TransferPageRangeSpec[] };
}

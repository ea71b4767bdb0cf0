/**
 * A GPADL the guest created for a channel, as the host sees it (PROTOCOLS.md §2): the guest pages
 * it describes, each PFN checked against the guest's memory when the GPADL was accepted. Besides
 * a channel's rings, guests describe device buffers this way (netvsc's receive and send buffers).
 */
export interface GpadlPages {
  /** The pages, in the order the guest listed them (not necessarily contiguous). */
  readonly pfns: readonly number[];
  /** Where the described bytes start in the first page. */
  readonly byteOffset: number;
  /** How many bytes the GPADL describes. */
  readonly byteCount: number;
}

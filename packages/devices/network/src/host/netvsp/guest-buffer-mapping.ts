import type { Channel, PageMemory } from '@tsvisor/device-sdk';
import { ProtocolError } from '@tsvisor/wire';

const PAGE_SIZE = 4096;

/** The pages of a GPADL as `Channel.gpadl` gives them. */
export type GuestBufferPages = NonNullable<ReturnType<Channel['gpadl']>>;

/**
 * The guest buffer a SEND_RECEIVE_BUFFER or SEND_SEND_BUFFER names by its GPADL (PROTOCOLS.md §2,
 * §4), as one view of guest memory; undefined if its pages are not physically contiguous.
 * tsvisor writes a buffer through one window of the partition's memory, so it refuses a buffer of
 * scattered pages rather than copying every frame page by page (its own guests allocate buffers
 * contiguously; a Linux guest's vmalloc'ed buffer would be refused).
 * @throws ProtocolError if the GPADL does not describe whole pages, is larger than `maxBytes`, or
 * lists a PFN that is not guest RAM.
 */
export function mapGuestBuffer(pages: GuestBufferPages, memory: PageMemory, maxBytes: number): Uint8Array | undefined {
  const { pfns, byteOffset, byteCount } = pages;
  if (pfns.length === 0 || byteOffset !== 0 || byteCount % PAGE_SIZE !== 0 || byteCount !== pfns.length * PAGE_SIZE) {
    throw new ProtocolError(`a buffer is whole pages, got ${byteCount} bytes at offset ${byteOffset} over ${pfns.length} pages`, { layout: 'Gpadl', path: 'byteCount' });
  }
  if (byteCount > maxBytes) throw new ProtocolError(`a buffer of ${byteCount} bytes exceeds the ${maxBytes} allowed`, { layout: 'Gpadl', path: 'byteCount' });
  for (let i = 0; i < pfns.length; i++) {
    if (!memory.isDevicePfn(pfns[i]!)) throw new ProtocolError(`PFN ${pfns[i]} is not guest RAM`, { layout: 'Gpadl', path: `pfn[${i}]` });
    if (pfns[i] !== pfns[0]! + i) return undefined;
  }
  return new Uint8Array(memory.buffer, pfns[0]! * PAGE_SIZE, byteCount);
}

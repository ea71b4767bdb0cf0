import type { IncomingPacket, PageMemory } from '@tsvisor/device-sdk';
import { ProtocolError } from '@tsvisor/wire';

const PAGE_SIZE = 4096;

/**
 * The guest buffer a SEND_RECEIVE_BUFFER or SEND_SEND_BUFFER shares, as one view of guest memory.
 *
 * Hyper-V shares these buffers as GPADLs made with channel-management messages, and the NVSP
 * message names the GPADL. tsvisor's VSC and VSP contracts have no GPADL API for device buffers
 * yet, so netvsc sends the message as a GPA-direct packet whose one range is the buffer (the
 * message's `gpadlHandle` is the buffer's first PFN, for logs). Swapping this function for a
 * GPADL lookup is all the host needs once that API exists. Every PFN is checked to be guest RAM.
 * @throws ProtocolError if the packet is not GPA-direct, not one page-aligned range of whole
 * pages, too large, or not physically contiguous.
 */
export function mapGuestBuffer(packet: IncomingPacket, memory: PageMemory, maxBytes: number): Uint8Array {
  const list = packet.gpaRanges();
  const fail = (message: string, path: string): ProtocolError => new ProtocolError(message, { layout: 'GpaRange', path });
  if (list.ranges.length !== 1) throw fail(`a buffer is one range, got ${list.ranges.length}`, 'GpaDirectHeader.rangeCount');
  const range = list.ranges[0]!;
  if (range.byteOffset !== 0 || range.byteCount % PAGE_SIZE !== 0) {
    throw fail(`a buffer is whole pages, got ${range.byteCount} bytes at offset ${range.byteOffset}`, 'GpaRange[0].byteCount');
  }
  if (range.byteCount > maxBytes) throw fail(`a buffer of ${range.byteCount} bytes exceeds the ${maxBytes} allowed`, 'GpaRange[0].byteCount');
  const segments = list.segments(memory, 0);
  if (segments.length !== 1) throw fail('the buffer is not physically contiguous', 'GpaRange[0].pfn');
  return segments[0]!;
}

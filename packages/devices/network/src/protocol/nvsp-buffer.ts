/**
 * The receive and send buffers of NVSP (PROTOCOLS.md §4): their ids, the "no section" index, and
 * the section descriptor the host returns for the receive buffer.
 * @module
 */
import { struct, u32, type Infer } from '@tsvisor/wire';

/**
 * Id of the receive buffer, given in SEND_RECEIVE_BUFFER and used as the transfer page set id of
 * every receive packet (`NETVSC_RECEIVE_BUFFER_ID`).
 */
export const NVSP_RECEIVE_BUFFER_ID = 0xcafe;

/** Id of the send buffer, given in SEND_SEND_BUFFER (`NETVSC_SEND_BUFFER_ID`). */
export const NVSP_SEND_BUFFER_ID = 0;

/** `sendBufferSectionIndex` of a SEND_RNDIS_PACKET whose data is not in the send buffer. */
export const NVSP_SEND_SECTION_INDEX_NONE = 0xffff_ffff;

/**
 * How the host carves the receive buffer (`struct nvsp_1_receive_buffer_section`, 16 bytes):
 * `numSubAllocations` slots of `subAllocationSize` bytes from `offset`, ending at `endOffset`.
 * Whether it fits the buffer is for the guest to judge: only it knows the buffer's size.
 */
export const NvspReceiveBufferSection = struct('NvspReceiveBufferSection', {
  offset: u32,
  subAllocationSize: u32,
  numSubAllocations: u32,
  endOffset: u32,
});
/** Value of a {@link NvspReceiveBufferSection}. */
export type NvspReceiveBufferSection = Infer<typeof NvspReceiveBufferSection>;

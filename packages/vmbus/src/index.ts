/**
 * `@tsvisor/vmbus`: VMBus for tsvisor (DESIGN §4): the wire layouts of PROTOCOLS.md §1–2, the
 * ring buffers, the RxJS {@link Channel}, and the channel-management state machines.
 * Guest-safe: no Node built-ins.
 * @packageDocumentation
 */
export * from './protocol/packet-descriptor.js';
export * from './protocol/ring-control.js';
export * from './protocol/channel-messages.js';
export { RingMemory } from './ring/ring-memory.js';
export { RingWriter } from './ring/ring-writer.js';
export { RingReader, type RingPacket } from './ring/ring-reader.js';
export { Channel, type ChannelOptions, type ChannelCounters } from './channel/channel.js';
export { ChannelStatus } from './channel/channel-status.js';
export { ChannelClosedError } from './channel/channel-closed-error.js';
export type { Completion, CompletionReceiver, CompletionTarget } from './channel/completion.js';
export { IncomingPacket } from './channel/incoming-packet.js';
export type { OutgoingPacket, GpaRangeSpec, TransferPageRangeSpec } from './channel/outgoing-packet.js';
export type { PageMemory } from './channel/page-memory.js';
export type { GpadlPages } from './channel/gpadl-pages.js';
export { GpaRangeList, MAX_GPA_RANGES, type GpaRangeEntry } from './channel/gpa-range-list.js';
export { TransferPageList, MAX_TRANSFER_PAGE_RANGES } from './channel/transfer-page-list.js';
export { PollPolicy } from './channel/poll-policy.js';
export * from './protocol/message-connection.js';
export { ChannelState } from './management/channel-state.js';
export { GpadlState } from './management/gpadl-state.js';
export { ConnectionState } from './management/connection-state.js';
export { ClientChannelState } from './management/client-channel-state.js';
export { ClientConnectionState } from './management/client-connection-state.js';
export { ClientGpadlState } from './management/client-gpadl-state.js';
export { ChannelManagementViolation, type ChannelManagementViolationDetails } from './management/channel-management-violation.js';
export { ClientStateError } from './management/client-state-error.js';
export { ServerStateError } from './management/server-state-error.js';
export { NtStatus } from './management/nt-status.js';
export * from './management/vmbus-server.js';
export * from './management/vmbus-client.js';
export { HostVmbus, HostChannelOffer, type HostOfferSpec, type HostVmbusOptions, type VmbusPartition as VmbusHostPartition } from './host/host-vmbus.js';
export { GuestVmbus, VmbusRequestError, type GuestOffer, type GuestOpenOptions, type GuestVmbusOptions } from './guest/guest-vmbus.js';
export { GuestSynic } from './guest/guest-synic.js';
export { GuestPageArena } from './guest/guest-page-arena.js';
export { PAGE_SIZE, type VpEnvironment } from '@tsvisor/hypervisor-core/guest';

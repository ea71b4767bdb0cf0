/**
 * Ring-buffer packet layouts: the packet descriptor, the footer, the extended headers of GPA-direct
 * and transfer-page packets, and the pipe-mode header. Byte-exact per PROTOCOLS.md §1.
 * @module
 */
import { oneOf, reserved, struct, u8, u16, u32, u64, type Infer } from '@tsvisor/wire';

/** Packet types carried in {@link PacketDescriptor.type} (`enum vmbus_packet_type`). */
export const PacketType = {
  /** Synchronisation packet. */
  SYNCH: 1,
  /** Adds a transfer page set. */
  ADD_TRANSFER_PAGESET: 2,
  /** Removes a transfer page set. */
  REMOVE_TRANSFER_PAGESET: 3,
  /** Establishes a GPADL in-band. */
  ESTABLISH_GPADL: 4,
  /** Tears down a GPADL in-band. */
  TEARDOWN_GPADL: 5,
  /** Payload carried inside the ring. */
  DATA_INBAND: 6,
  /** Payload in ranges of a transfer page set ({@link TransferPageHeader}). */
  DATA_USING_TRANSFER_PAGES: 7,
  /** Payload in a GPADL. */
  DATA_USING_GPADL: 8,
  /** Payload in guest physical pages listed in the packet ({@link GpaDirectHeader}). */
  DATA_USING_GPA_DIRECT: 9,
  /** Cancels a request. */
  CANCEL_REQUEST: 0xa,
  /** Completion of a request, carrying the request's transaction id. */
  COMPLETION: 0xb,
  /** Payload continued in additional packets. */
  DATA_USING_ADDITIONAL_PACKETS: 0xc,
  /** An additional-data packet. */
  ADDITIONAL_DATA: 0xd,
} as const;

/** A packet type code: one of the values of {@link PacketType}. */
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** {@link PacketDescriptor.flags} bit 0: the sender wants a COMPLETION packet. No other bit is valid. */
export const PACKET_FLAG_COMPLETION_REQUESTED = 1;

/** Packets, their payloads and ring indices are aligned to this many bytes. */
export const PACKET_ALIGNMENT = 8;

/**
 * The 16-byte descriptor at the head of every ring-buffer packet (`struct vmpacket_descriptor`).
 * `dataOffset8` and `length8` count 8-byte units; `length8` covers the whole packet without the
 * footer. Any flag other than {@link PACKET_FLAG_COMPLETION_REQUESTED} is a `ProtocolError`.
 */
export const PacketDescriptor = struct('PacketDescriptor', {
  type: u16,
  dataOffset8: u16,
  length8: u16,
  flags: oneOf(u16, [0, PACKET_FLAG_COMPLETION_REQUESTED]),
  transactionId: u64,
});
/** Value of a {@link PacketDescriptor}. */
export type PacketDescriptor = Infer<typeof PacketDescriptor>;

/**
 * The 8-byte footer after each packet's padded payload: a reserved u32, then the writer's
 * `write_index` at the start of the packet.
 */
export const PacketFooter = struct('PacketFooter', {
  reserved: reserved(4),
  packetStartIndex: u32,
});
/** Value of a {@link PacketFooter}. */
export type PacketFooter = Infer<typeof PacketFooter>;

/**
 * The extended header of a DATA_USING_GPA_DIRECT packet, right after the descriptor;
 * `rangeCount` {@link GpaRange} entries follow.
 */
export const GpaDirectHeader = struct('GpaDirectHeader', {
  reserved: reserved(4),
  rangeCount: u32,
});
/** Value of a {@link GpaDirectHeader}. */
export type GpaDirectHeader = Infer<typeof GpaDirectHeader>;

/**
 * The fixed part of a guest-physical range (`struct gpa_range`): `byteOffset` is into the first
 * page; `ceil((byteOffset + byteCount) / 4096)` u64 PFNs follow.
 */
export const GpaRange = struct('GpaRange', {
  byteCount: u32,
  byteOffset: u32,
});
/** Value of a {@link GpaRange}. */
export type GpaRange = Infer<typeof GpaRange>;

/** Size of one page frame number following a {@link GpaRange}. */
export const PFN_SIZE = 8;

/**
 * The extended header of a DATA_USING_TRANSFER_PAGES packet, right after the descriptor;
 * `rangeCount` {@link TransferPageRange} entries follow.
 */
export const TransferPageHeader = struct('TransferPageHeader', {
  pagesetId: u16,
  senderOwnsSet: u8,
  reserved: reserved(1),
  rangeCount: u32,
});
/** Value of a {@link TransferPageHeader}. */
export type TransferPageHeader = Infer<typeof TransferPageHeader>;

/** One range of a transfer-page packet; `byteOffset` is into the page set. */
export const TransferPageRange = struct('TransferPageRange', {
  byteCount: u32,
  byteOffset: u32,
});
/** Value of a {@link TransferPageRange}. */
export type TransferPageRange = Infer<typeof TransferPageRange>;

/** {@link PipeHeader.type} of a data payload. */
export const PIPE_DATA = 1;

/** Largest payload a pipe-mode packet may carry after its {@link PipeHeader}: 16 KiB. */
export const PIPE_MAX_PAYLOAD = 16 * 1024;

/** The header that starts each pipe-mode payload (integration services, hv_sock). */
export const PipeHeader = struct('PipeHeader', {
  type: u32,
  length: u32,
});
/** Value of a {@link PipeHeader}. */
export type PipeHeader = Infer<typeof PipeHeader>;

/**
 * The message types, status codes and small enumerations of NVSP, the protocol netvsc and netvsp
 * speak over their VMBus channel (PROTOCOLS.md §4).
 * @module
 */

/** Message types carried in the first u32 of every NVSP message (`NVSP_MSG*_TYPE_*`). */
export const NvspMessageType = {
  /** Guest → host: the protocol version proposed, as a min/max pair (both the same in practice). */
  INIT: 1,
  /** Host → guest: the answer to INIT. */
  INIT_COMPLETE: 2,
  /** Guest → host: the NDIS version the guest's miniport speaks. */
  SEND_NDIS_VERSION: 100,
  /** Guest → host: the GPADL of the receive buffer. */
  SEND_RECEIVE_BUFFER: 101,
  /** Host → guest: the receive buffer accepted, and how the host carves it into sections. */
  SEND_RECEIVE_BUFFER_COMPLETE: 102,
  /** Guest → host: the receive buffer is revoked. */
  REVOKE_RECEIVE_BUFFER: 103,
  /** Guest → host: the GPADL of the send buffer. */
  SEND_SEND_BUFFER: 104,
  /** Host → guest: the send buffer accepted, and the size of its sections. */
  SEND_SEND_BUFFER_COMPLETE: 105,
  /** Guest → host: the send buffer is revoked. */
  REVOKE_SEND_BUFFER: 106,
  /** Either way: an RNDIS message, in a send-buffer section, GPA ranges or receive-buffer ranges. */
  SEND_RNDIS_PACKET: 107,
  /** Either way: the RNDIS message was consumed; its buffers may be reused. */
  SEND_RNDIS_PACKET_COMPLETE: 108,
  /** Guest → host (NVSP 2+): MTU and capabilities. */
  SEND_NDIS_CONFIG: 125,
  /** Guest → host request and host → guest completion (NVSP 5+): allocate sub-channels. */
  SUBCHANNEL: 133,
  /** Host → guest (NVSP 5+): the send indirection table, mapping hash buckets to channels. */
  SEND_INDIRECTION_TABLE: 134,
} as const;

/** A message type: one of the values of {@link NvspMessageType}. */
export type NvspMessageType = (typeof NvspMessageType)[keyof typeof NvspMessageType];

/** Status codes in NVSP completions (`NVSP_STAT_*`). */
export const NvspStatus = {
  NONE: 0,
  SUCCESS: 1,
  FAILURE: 2,
  PROTOCOL_TOO_NEW: 3,
  PROTOCOL_TOO_OLD: 4,
  INVALID_RNDIS_PACKET: 5,
  BUSY: 6,
  PROTOCOL_UNSUPPORTED: 7,
} as const;

/** A status code: one of the values of {@link NvspStatus}. */
export type NvspStatus = (typeof NvspStatus)[keyof typeof NvspStatus];

/** `channel_type` of SEND_RNDIS_PACKET: RNDIS's two channels, carried on the one NVSP channel. */
export const NvspChannelType = {
  /** An RNDIS_PACKET: network data. */
  DATA: 0,
  /** Any other RNDIS message: control. */
  CONTROL: 1,
} as const;

/** A channel type: one of the values of {@link NvspChannelType}. */
export type NvspChannelType = (typeof NvspChannelType)[keyof typeof NvspChannelType];

/** Operations of a SUBCHANNEL request; allocation is the only one. */
export const NvspSubchannelOperation = {
  ALLOCATE: 1,
} as const;

/** Bits of SEND_NDIS_CONFIG's `capabilities` (`struct nvsp_2_vsc_capability`). */
export const NdisConfigCapability = {
  VMQ: 1n << 0n,
  CHIMNEY: 1n << 1n,
  SRIOV: 1n << 2n,
  IEEE_8021Q: 1n << 3n,
  CORRELATION_ID: 1n << 4n,
  TEAMING: 1n << 5n,
  VIRTUAL_SUBNET_ID: 1n << 6n,
  RSC_OVER_VMBUS: 1n << 7n,
} as const;

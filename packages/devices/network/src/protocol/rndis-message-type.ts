/**
 * RNDIS message types, status codes and the constants of its INITIALIZE exchange (PROTOCOLS.md §4).
 * @module
 */

/** Set in the type of the completion of a request. */
export const RNDIS_COMPLETION = 0x8000_0000;

/** Message types in an RNDIS header's `type` (`RNDIS_MSG_*`); a completion is its request's type with bit 31 ({@link RNDIS_COMPLETION}) set. */
export const RndisMessageType = {
  /** A network frame, with per-packet information. */
  PACKET: 0x1,
  INITIALIZE: 0x2,
  HALT: 0x3,
  QUERY: 0x4,
  SET: 0x5,
  RESET: 0x6,
  /** Device → host driver: a status change (link up or down…). */
  INDICATE_STATUS: 0x7,
  KEEPALIVE: 0x8,
  INITIALIZE_COMPLETE: 0x8000_0002,
  QUERY_COMPLETE: 0x8000_0004,
  SET_COMPLETE: 0x8000_0005,
  RESET_COMPLETE: 0x8000_0006,
  KEEPALIVE_COMPLETE: 0x8000_0008,
} as const;

/** A message type: one of the values of {@link RndisMessageType}. */
export type RndisMessageType = (typeof RndisMessageType)[keyof typeof RndisMessageType];

/** NDIS status codes carried in completions and status indications (`RNDIS_STATUS_*`). */
export const RndisStatus = {
  SUCCESS: 0x0000_0000,
  /** Indication: the link is up. */
  MEDIA_CONNECT: 0x4001_000b,
  /** Indication: the link is down. */
  MEDIA_DISCONNECT: 0x4001_000c,
  /** Indication: the link speed changed. */
  LINK_SPEED_CHANGE: 0x4001_0013,
  /** Indication: the network changed (the guest renews its addresses). */
  NETWORK_CHANGE: 0x4001_0018,
  FAILURE: 0xc000_0001,
  /** A query or set of an OID the device does not support. */
  NOT_SUPPORTED: 0xc000_00bb,
  INVALID_LENGTH: 0xc001_0014,
  INVALID_DATA: 0xc001_0015,
  BUFFER_TOO_SHORT: 0xc001_0016,
} as const;

/** The RNDIS version both sides speak: 1.0. */
export const RNDIS_MAJOR_VERSION = 1;
/** See {@link RNDIS_MAJOR_VERSION}. */
export const RNDIS_MINOR_VERSION = 0;

/** `deviceFlags` of INITIALIZE_COMPLETE: a connectionless (Ethernet-like) device. */
export const RNDIS_DF_CONNECTIONLESS = 0x1;

/** `medium` of INITIALIZE_COMPLETE: 802.3 (Ethernet). */
export const RNDIS_MEDIUM_802_3 = 0x0;

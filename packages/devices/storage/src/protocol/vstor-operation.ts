/**
 * The operations and status codes of a storvsc/storvsp packet (PROTOCOLS.md §3).
 * @module
 */

/** Operations carried in a vstor packet's `operation` field (`enum vstor_packet_operation`). */
export const VstorOperation = {
  /** The host's answer to any request: the completion of that request. */
  COMPLETE_IO: 1,
  /** The host removes a device. */
  REMOVE_DEVICE: 2,
  /** A SCSI request block: the union holds a `vmscsi_request`. */
  EXECUTE_SRB: 3,
  /** Resets one logical unit. */
  RESET_LUN: 4,
  /** Resets the adapter. */
  RESET_ADAPTER: 5,
  /** Resets the bus. */
  RESET_BUS: 6,
  /** Bring-up starts. */
  BEGIN_INITIALIZATION: 7,
  /** Bring-up ends: requests may follow. */
  END_INITIALIZATION: 8,
  /** The guest proposes a protocol version: the union holds a version. */
  QUERY_PROTOCOL_VERSION: 9,
  /** The guest asks for the channel properties, which the completion carries. */
  QUERY_PROPERTIES: 10,
  /** The host tells the guest to rescan the bus. */
  ENUMERATE_BUS: 11,
  /** The guest asks for sub-channels: the union holds their count. */
  CREATE_SUB_CHANNELS: 13,
} as const;

/** An operation code: one of the values of {@link VstorOperation}. */
export type VstorOperation = (typeof VstorOperation)[keyof typeof VstorOperation];

/** A vstor packet's `flags`: bit 0, the sender wants a completion. No other bit is defined. */
export const VSTOR_FLAG_REQUEST_COMPLETION = 1;

/** NTSTATUS values in a vstor packet's `status` (0 is success; anything else is a failure). */
export const VstorStatus = {
  /** `STATUS_SUCCESS`. */
  SUCCESS: 0,
  /** `STATUS_UNSUCCESSFUL`: a request the host refuses. */
  UNSUCCESSFUL: 0xc000_0001,
  /** `STATUS_REVISION_MISMATCH`: the answer to a protocol version the host does not speak. */
  REVISION_MISMATCH: 0xc000_0059,
} as const;

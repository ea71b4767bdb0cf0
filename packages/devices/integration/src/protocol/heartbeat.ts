/**
 * The heartbeat service: every few seconds the host sends a sequence number; the guest answers
 * with that number plus one and the state of its applications. Byte-exact per PROTOCOLS.md §5.
 * @module
 */
import { ProtocolError, oneOf, reserved, struct, u32, u64, type Infer } from '@tsvisor/wire';
import { IC_HEADER_SIZE, IcMessageType, IcStatus } from './icmsg-header.js';
import { buildIcRequest, buildIcResponse, readIcRequest, readIcResponse } from './ic-message.js';
import { icVersion, type IcVersion, type NegotiatedVersions } from './ic-version.js';

/** Interface type GUID of the heartbeat channel. */
export const HEARTBEAT_INTERFACE_ID = '57164f39-9115-4e78-ab55-382f3bd5422d';

/** Heartbeat message versions, newest first. */
export const HEARTBEAT_VERSIONS: readonly IcVersion[] = [icVersion(3, 0), icVersion(1, 0)];

/** What the guest reports in {@link HeartbeatMessage.applicationState}. */
export const HeartbeatApplicationState = {
  /** Not reported (what the host sends, and what Linux leaves in place). */
  UNKNOWN: 0,
  /** The guest's applications are healthy. */
  HEALTHY: 1,
  /** A critical error in the guest. */
  CRITICAL: 2,
  /** The guest's applications have stopped. */
  STOPPED: 3,
} as const;

/** An application state: one of the values of {@link HeartbeatApplicationState}. */
export type HeartbeatApplicationState = (typeof HeartbeatApplicationState)[keyof typeof HeartbeatApplicationState];

/**
 * The heartbeat body (16 bytes, as the OpenVMM host sends it). Linux declares `u64 seq_num;
 * u32 reserved[8]` and reads only the first 8 bytes, since the host does not fill the rest.
 */
export const HeartbeatMessage = struct('HeartbeatMessage', {
  sequenceNumber: u64,
  applicationState: oneOf(u32, Object.values(HeartbeatApplicationState)),
  reserved: reserved(4),
});
/** Value of a {@link HeartbeatMessage}. */
export type HeartbeatMessage = Infer<typeof HeartbeatMessage>;

/** What the guest answered. */
export interface HeartbeatResponse {
  /** S_OK, or the failure the guest reported (Linux answers E_FAIL to a message type it does not know). */
  readonly status: number;
  readonly applicationState: HeartbeatApplicationState;
}

/**
 * Host side: a heartbeat request carrying `sequenceNumber`.
 * @param versions - The versions negotiated on the channel.
 * @param transactionId - The id the answer must carry (default 0).
 */
export function buildHeartbeatRequest(
  versions: NegotiatedVersions,
  sequenceNumber: bigint,
  transactionId = 0,
): Uint8Array {
  const body = HeartbeatMessage.encode({ sequenceNumber, applicationState: HeartbeatApplicationState.UNKNOWN });
  return buildIcRequest({ messageType: IcMessageType.HEARTBEAT, versions, transactionId }, body);
}

/**
 * Guest side: the body of a heartbeat request.
 * @throws ProtocolError if `request` is not a valid heartbeat request.
 */
export function readHeartbeatRequest(request: Uint8Array): HeartbeatMessage {
  const message = readIcRequest(request, IcMessageType.HEARTBEAT);
  return HeartbeatMessage.decode(message.bytes, IC_HEADER_SIZE);
}

/**
 * Guest side: the answer to a heartbeat request: the sequence number plus one (wrapping at 2^64),
 * `applicationState`, status S_OK. Bytes of the request body past the heartbeat fields are echoed.
 * @throws ProtocolError if `request` is not a valid heartbeat request.
 */
export function answerHeartbeat(
  request: Uint8Array,
  applicationState: HeartbeatApplicationState = HeartbeatApplicationState.HEALTHY,
): Uint8Array {
  const message = readIcRequest(request, IcMessageType.HEARTBEAT);
  const { sequenceNumber } = HeartbeatMessage.decode(message.bytes, IC_HEADER_SIZE);
  const response = buildIcResponse(message, IcStatus.S_OK);
  HeartbeatMessage.write(new DataView(response.buffer), IC_HEADER_SIZE, {
    sequenceNumber: BigInt.asUintN(64, sequenceNumber + 1n),
    applicationState,
  });
  return response;
}

/**
 * Host side: reads the answer to the heartbeat request that carried `sentSequenceNumber`. A
 * successful answer must carry that number plus one.
 * @param transactionId - The transaction id of the request (default 0).
 * @throws ProtocolError if the answer is malformed or carries another sequence number.
 */
export function readHeartbeatResponse(
  response: Uint8Array,
  sentSequenceNumber: bigint,
  transactionId = 0,
): HeartbeatResponse {
  const message = readIcResponse(response, { messageType: IcMessageType.HEARTBEAT, transactionId });
  const { sequenceNumber, applicationState } = HeartbeatMessage.decode(message.bytes, IC_HEADER_SIZE);
  const { status } = message.header;
  const expected = BigInt.asUintN(64, sentSequenceNumber + 1n);
  if (status === IcStatus.S_OK && sequenceNumber !== expected) {
    throw new ProtocolError(`expected sequence number ${expected}, got ${sequenceNumber}`, {
      layout: HeartbeatMessage.name,
      path: 'sequenceNumber',
      offset: IC_HEADER_SIZE + HeartbeatMessage.offsetOf('sequenceNumber'),
    });
  }
  return { status, applicationState };
}

/**
 * The `acme.entropy` wire protocol. Every message is one VMBus inband packet: the guest sends an
 * {@link EntropyRequest} with completion requested, and the host completes it with an
 * {@link EntropyResponseHeader} followed by `length` bytes. All fields are little-endian u32.
 *
 * ```
 * request:   u32 opcode   u32 length
 * response:  u32 status   u32 length   u8 data[length]
 * ```
 *
 * VMBus pads payloads to 8 bytes, so the response's `length` is what counts, not the packet's size.
 * @module
 */
import { ProtocolError, oneOf, struct, u32, type Infer } from '@tsvisor/wire';

/** Interface type GUID of the `acme.entropy` channel. */
export const ENTROPY_INTERFACE_ID = '423b5c68-3efe-4df8-9dce-cfe352f80f03';

/** The most bytes one request may ask for, whatever the device's configuration. */
export const ENTROPY_MAX_REQUEST_BYTES = 65_536;

/** What a request asks for. */
export const EntropyOpcode = {
  /** `length` random bytes. */
  GET_ENTROPY: 1,
  /** The device's {@link EntropyLimits} (`length` must be 0). Drivers ask once, when they bind. */
  QUERY_LIMITS: 2,
} as const;
/** An opcode: one of the values of {@link EntropyOpcode}. */
export type EntropyOpcode = (typeof EntropyOpcode)[keyof typeof EntropyOpcode];

/** How the host answered. Anything but `SUCCESS` carries no data. */
export const EntropyStatus = {
  SUCCESS: 0,
  /** The request was not 8 bytes, or came without a transaction id to answer. */
  MALFORMED_REQUEST: 1,
  UNKNOWN_OPCODE: 2,
  /** GET_ENTROPY of 0 bytes or more than the device's `maxRequestBytes`; QUERY_LIMITS with a length. */
  INVALID_LENGTH: 3,
} as const;
/** A status: one of the values of {@link EntropyStatus}. */
export type EntropyStatus = (typeof EntropyStatus)[keyof typeof EntropyStatus];

const STATUS_NAMES: Readonly<Record<EntropyStatus, string>> = {
  [EntropyStatus.SUCCESS]: 'success',
  [EntropyStatus.MALFORMED_REQUEST]: 'malformed request',
  [EntropyStatus.UNKNOWN_OPCODE]: 'unknown opcode',
  [EntropyStatus.INVALID_LENGTH]: 'invalid length',
};

/** A status in words, for messages. */
export function entropyStatusName(status: EntropyStatus): string {
  return STATUS_NAMES[status];
}

/** What the guest sends (8 bytes). The opcode is checked by the host, which answers an unknown one. */
export const EntropyRequest = struct('EntropyRequest', {
  opcode: u32,
  length: u32,
});
/** Value of an {@link EntropyRequest}. */
export type EntropyRequest = Infer<typeof EntropyRequest>;

/** What starts every completion (8 bytes); `length` bytes of data follow. */
export const EntropyResponseHeader = struct('EntropyResponseHeader', {
  status: oneOf(u32, Object.values(EntropyStatus)),
  length: u32,
});
/** Value of an {@link EntropyResponseHeader}. */
export type EntropyResponseHeader = Infer<typeof EntropyResponseHeader>;

/** The data of a successful QUERY_LIMITS answer (8 bytes). */
export const EntropyLimits = struct('EntropyLimits', {
  /** The largest GET_ENTROPY the device serves: drivers split larger reads. */
  maxRequestBytes: u32,
  /** The device's rate limit; 0 if it has none. */
  bytesPerSecond: u32,
});
/** Value of an {@link EntropyLimits}. */
export type EntropyLimits = Infer<typeof EntropyLimits>;

/** Bytes of a completion that carries `length` bytes of data. */
export function entropyResponseSize(length: number): number {
  return EntropyResponseHeader.size + length;
}

/** The request asking for `length` random bytes. */
export function buildGetEntropy(length: number): Uint8Array {
  return EntropyRequest.encode({ opcode: EntropyOpcode.GET_ENTROPY, length });
}

/** The request asking for the device's limits. */
export function buildQueryLimits(): Uint8Array {
  return EntropyRequest.encode({ opcode: EntropyOpcode.QUERY_LIMITS, length: 0 });
}

/** What the host makes of a request: an error status, or what to answer with. */
export type EntropyRequestCheck =
  | { readonly status: typeof EntropyStatus.SUCCESS; readonly opcode: EntropyOpcode; readonly length: number }
  | { readonly status: Exclude<EntropyStatus, typeof EntropyStatus.SUCCESS> };

/**
 * Host side: validates the payload of a request packet (hostile bytes) against the device's
 * `maxRequestBytes`. Never throws: a bad request yields the status to answer it with.
 */
export function checkEntropyRequest(payload: Uint8Array, maxRequestBytes: number): EntropyRequestCheck {
  if (payload.length !== EntropyRequest.size) return { status: EntropyStatus.MALFORMED_REQUEST };
  const { opcode, length } = EntropyRequest.decode(payload);
  switch (opcode) {
    case EntropyOpcode.GET_ENTROPY:
      if (length === 0 || length > maxRequestBytes) return { status: EntropyStatus.INVALID_LENGTH };
      return { status: EntropyStatus.SUCCESS, opcode, length };
    case EntropyOpcode.QUERY_LIMITS:
      if (length !== 0) return { status: EntropyStatus.INVALID_LENGTH };
      return { status: EntropyStatus.SUCCESS, opcode, length: EntropyLimits.size };
    default:
      return { status: EntropyStatus.UNKNOWN_OPCODE };
  }
}

/**
 * Host side: writes a response header at the start of `response`.
 * @throws ProtocolError if `response` has no room for it.
 */
export function writeEntropyResponseHeader(response: Uint8Array, status: EntropyStatus, length: number): void {
  EntropyResponseHeader.write(new DataView(response.buffer, response.byteOffset, response.byteLength), 0, { status, length });
}

/** A decoded completion: its status and a view of its data (empty unless `SUCCESS`). */
export interface EntropyResponse {
  readonly status: EntropyStatus;
  readonly data: Uint8Array;
}

/**
 * Guest side: reads a completion. A successful one must carry exactly `expectedLength` bytes; an
 * error one must carry none.
 * @throws ProtocolError if the completion is malformed.
 */
export function readEntropyResponse(response: Uint8Array, expectedLength: number): EntropyResponse {
  const { status, length } = EntropyResponseHeader.decode(response);
  const wanted = status === EntropyStatus.SUCCESS ? expectedLength : 0;
  if (length !== wanted || response.length < entropyResponseSize(length)) {
    throw new ProtocolError(`expected ${wanted} bytes of data, got a length of ${length} in a ${response.length}-byte completion`, {
      layout: EntropyResponseHeader.name,
      path: 'length',
      offset: EntropyResponseHeader.offsetOf('length'),
    });
  }
  return { status, data: response.subarray(EntropyResponseHeader.size, EntropyResponseHeader.size + length) };
}

/**
 * Guest side: reads the data of a QUERY_LIMITS answer.
 * @throws ProtocolError if it is short or `maxRequestBytes` is outside 1…{@link ENTROPY_MAX_REQUEST_BYTES}.
 */
export function readEntropyLimits(data: Uint8Array): EntropyLimits {
  const limits = EntropyLimits.decode(data);
  if (limits.maxRequestBytes < 1 || limits.maxRequestBytes > ENTROPY_MAX_REQUEST_BYTES) {
    throw new ProtocolError(`maxRequestBytes ${limits.maxRequestBytes} is outside 1…${ENTROPY_MAX_REQUEST_BYTES}`, {
      layout: EntropyLimits.name,
      path: 'maxRequestBytes',
      offset: EntropyLimits.offsetOf('maxRequestBytes'),
    });
  }
  return limits;
}

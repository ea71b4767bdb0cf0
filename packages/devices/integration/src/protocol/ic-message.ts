/**
 * A whole integration-service message: the {@link IcMessageHeader} and the body of
 * `messageSize` bytes after it (PROTOCOLS.md §5). The host sends requests; the guest answers each
 * in place, with `TRANSACTION | RESPONSE` flags, the request's transaction id and a status.
 * @module
 */
import { ProtocolError } from '@tsvisor/wire';
import type { NegotiatedVersions } from './ic-version.js';
import {
  IC_HEADER_SIZE,
  IC_REQUEST_FLAGS,
  IC_RESPONSE_FLAGS,
  IcFlag,
  IcMessageHeader,
  IcStatus,
  type IcMessageType,
} from './icmsg-header.js';

/** Largest message: a pipe-mode payload holds at most 16 KiB (PROTOCOLS.md §1). */
export const IC_MAX_MESSAGE_SIZE = 16 * 1024;

/** Largest body, after the header. */
export const IC_MAX_BODY_SIZE = IC_MAX_MESSAGE_SIZE - IC_HEADER_SIZE;

/** A message whose header has been validated. */
export interface IcMessage {
  readonly header: IcMessageHeader;
  /** The header and the body: a view of the bytes read, `IC_HEADER_SIZE + header.messageSize` long. */
  readonly bytes: Uint8Array;
  /** The body: a view of the `header.messageSize` bytes after the header. */
  readonly body: Uint8Array;
}

/** What a host needs to address a request. */
export interface IcRequestOptions {
  readonly messageType: IcMessageType;
  /** Versions written into the header: those negotiated on the channel. */
  readonly versions: NegotiatedVersions;
  /** The id the answer must carry, 0..255 (default 0). */
  readonly transactionId?: number;
}

/** Fails a read with a `ProtocolError` naming a header field. */
function headerFault(message: string, field: keyof IcMessageHeader & string): ProtocolError {
  return new ProtocolError(message, {
    layout: IcMessageHeader.name,
    path: field,
    offset: IcMessageHeader.offsetOf(field),
  });
}

/**
 * Host side: a request message, `TRANSACTION | REQUEST`, status S_OK, with `body` after the header.
 * @throws RangeError if `body` is larger than {@link IC_MAX_BODY_SIZE}.
 * @throws ProtocolError if a header value does not fit its field (a transaction id above 255…).
 */
export function buildIcRequest(options: IcRequestOptions, body: Uint8Array): Uint8Array {
  if (body.length > IC_MAX_BODY_SIZE) {
    throw new RangeError(`an IC message body holds at most ${IC_MAX_BODY_SIZE} bytes, got ${body.length}`);
  }
  const bytes = new Uint8Array(IC_HEADER_SIZE + body.length);
  IcMessageHeader.write(new DataView(bytes.buffer), 0, {
    frameworkVersion: options.versions.framework,
    messageType: options.messageType,
    messageVersion: options.versions.service,
    messageSize: body.length,
    status: IcStatus.S_OK,
    transactionId: options.transactionId ?? 0,
    flags: IC_REQUEST_FLAGS,
  });
  bytes.set(body, IC_HEADER_SIZE);
  return bytes;
}

/**
 * Validates the header of a message from the peer: the bytes hold a whole header, the type and
 * flags are known, and `messageSize` fits in the bytes after the header. Trailing bytes after the
 * body are allowed (a Linux guest sends back the whole buffer it received).
 * @throws ProtocolError naming the faulty header field.
 */
export function readIcMessage(bytes: Uint8Array): IcMessage {
  const header = IcMessageHeader.decode(bytes);
  const room = Math.min(bytes.length - IC_HEADER_SIZE, IC_MAX_BODY_SIZE);
  if (header.messageSize > room) {
    throw headerFault(`message size ${header.messageSize} exceeds the ${room} bytes after the header`, 'messageSize');
  }
  const end = IC_HEADER_SIZE + header.messageSize;
  return { header, bytes: bytes.subarray(0, end), body: bytes.subarray(IC_HEADER_SIZE, end) };
}

/**
 * Guest side: {@link readIcMessage}, and the message must be a request (of `messageType`, if given).
 * @throws ProtocolError naming the faulty header field.
 */
export function readIcRequest(bytes: Uint8Array, messageType?: IcMessageType): IcMessage {
  const message = readIcMessage(bytes);
  const { flags, messageType: actual } = message.header;
  if ((flags & IcFlag.REQUEST) === 0) throw headerFault(`flags ${flags} do not mark a request`, 'flags');
  if (messageType !== undefined && actual !== messageType) {
    throw headerFault(`expected a message of type ${messageType}, got ${actual}`, 'messageType');
  }
  return message;
}

/** What the host expects of an answer. */
export interface IcResponseExpectation {
  readonly messageType: IcMessageType;
  /** The transaction id of the request (default 0). */
  readonly transactionId?: number;
}

/**
 * Host side: {@link readIcMessage}, and the message must answer the request described by
 * `expected`: flags `TRANSACTION | RESPONSE`, the same type and transaction id.
 * @throws ProtocolError naming the faulty header field.
 */
export function readIcResponse(bytes: Uint8Array, expected: IcResponseExpectation): IcMessage {
  const message = readIcMessage(bytes);
  const { flags, messageType, transactionId } = message.header;
  const expectedId = expected.transactionId ?? 0;
  if (flags !== IC_RESPONSE_FLAGS) {
    throw headerFault(`flags ${flags} do not mark a response (${IC_RESPONSE_FLAGS})`, 'flags');
  }
  if (messageType !== expected.messageType) {
    throw headerFault(`expected an answer of type ${expected.messageType}, got ${messageType}`, 'messageType');
  }
  if (transactionId !== expectedId) {
    throw headerFault(`expected transaction id ${expectedId}, got ${transactionId}`, 'transactionId');
  }
  return message;
}

/**
 * Guest side: turns the request in `bytes` into its answer in place, as Linux does: flags
 * `TRANSACTION | RESPONSE`, `status`, everything else (the body included) unchanged.
 * @returns The answer: a view of `bytes` without any trailing bytes after the body.
 * @throws ProtocolError if `bytes` is not a valid request.
 */
export function respondInPlace(bytes: Uint8Array, status: number): Uint8Array {
  const message = readIcRequest(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, IC_HEADER_SIZE);
  IcMessageHeader.write(view, 0, { ...message.header, status, flags: IC_RESPONSE_FLAGS });
  return message.bytes;
}

/**
 * Guest side: a new answer to `request`: its header with flags `TRANSACTION | RESPONSE`, `status`
 * and the size of `body`, then `body` (by default, a copy of the request's body).
 * @throws RangeError if `body` is larger than {@link IC_MAX_BODY_SIZE}.
 */
export function buildIcResponse(request: IcMessage, status: number, body: Uint8Array = request.body): Uint8Array {
  if (body.length > IC_MAX_BODY_SIZE) {
    throw new RangeError(`an IC message body holds at most ${IC_MAX_BODY_SIZE} bytes, got ${body.length}`);
  }
  const bytes = new Uint8Array(IC_HEADER_SIZE + body.length);
  IcMessageHeader.write(new DataView(bytes.buffer), 0, {
    ...request.header,
    messageSize: body.length,
    status,
    flags: IC_RESPONSE_FLAGS,
  });
  bytes.set(body, IC_HEADER_SIZE);
  return bytes;
}

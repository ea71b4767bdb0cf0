/**
 * The shutdown service: the host asks the guest to shut down, restart or hibernate; the guest
 * accepts (S_OK) or vetoes (E_FAIL). Byte-exact per PROTOCOLS.md §5 (`struct shutdown_msg_data`).
 * @module
 */
import { oneOf, struct, u32, utf16, type Infer } from '@tsvisor/wire';
import { IC_HEADER_SIZE, IcMessageType, IcStatus } from './icmsg-header.js';
import { buildIcRequest, buildIcResponse, readIcRequest, readIcResponse } from './ic-message.js';
import { icVersion, type IcVersion, type NegotiatedVersions } from './ic-version.js';

/** Interface type GUID of the shutdown channel. */
export const SHUTDOWN_INTERFACE_ID = '0e0b6031-5213-4934-818b-38d90ced39db';

/** Shutdown message versions, newest first. */
export const SHUTDOWN_VERSIONS: readonly IcVersion[] = [icVersion(3, 2), icVersion(3, 0), icVersion(1, 0)];

/** Bits of {@link ShutdownMessage.flags}. With neither RESTART nor HIBERNATE, the guest powers off. */
export const ShutdownFlag = {
  /** Do it even if applications object. */
  FORCE: 1,
  /** Restart instead of powering off. */
  RESTART: 2,
  /** Hibernate instead of powering off. */
  HIBERNATE: 4,
} as const;

/** `SHTDN_REASON_FLAG_PLANNED`, the reason code the OpenVMM host sends. */
export const SHUTDOWN_REASON_PLANNED = 0x8000_0000;

/** Characters of {@link ShutdownMessage.message}: 2048 bytes of UTF-16LE. */
export const SHUTDOWN_MESSAGE_CHARS = 1024;

/**
 * The shutdown body (2060 bytes). The flags are a power-off, a restart or a hibernation, each
 * optionally forced: any other bit, or RESTART with HIBERNATE, is a `ProtocolError`.
 *
 * The 2048-byte message is `u8 display_message[2048]` in Linux and `UCHAR Message[2048]` in
 * Windows' icsvc symbols; neither says how it is encoded, Linux ignores it and OpenVMM sends
 * zeros. tsvisor carries it as NUL-padded UTF-16LE, Windows' own encoding.
 */
export const ShutdownMessage = struct('ShutdownMessage', {
  reasonCode: u32,
  timeoutSeconds: u32,
  flags: oneOf(u32, [0, 1, 2, 3, 4, 5]),
  message: utf16(SHUTDOWN_MESSAGE_CHARS),
});
/** Value of a {@link ShutdownMessage}. */
export type ShutdownMessage = Infer<typeof ShutdownMessage>;

/** What the host asks the guest to do. */
export type ShutdownAction = 'power-off' | 'restart' | 'hibernate';

/** A shutdown request, as typed values. */
export interface ShutdownRequest {
  readonly action: ShutdownAction;
  /** Proceed even if applications object. */
  readonly force: boolean;
  /** A Windows shutdown reason code, such as {@link SHUTDOWN_REASON_PLANNED}. */
  readonly reasonCode: number;
  /** Time the guest has to comply, in seconds (0: no limit given). */
  readonly timeoutSeconds: number;
  /** Text to show to the guest's users: at most 1024 UTF-16 code units, no NUL. */
  readonly message: string;
}

/** What the guest answered. */
export interface ShutdownResponse {
  /** True if the guest accepted (status S_OK). */
  readonly accepted: boolean;
  readonly status: number;
}

const ACTION_FLAGS: Readonly<Record<ShutdownAction, number>> = {
  'power-off': 0,
  restart: ShutdownFlag.RESTART,
  hibernate: ShutdownFlag.HIBERNATE,
};

/** The flags field of `request`. */
export function shutdownFlags(request: Pick<ShutdownRequest, 'action' | 'force'>): ShutdownMessage['flags'] {
  return (ACTION_FLAGS[request.action] | (request.force ? ShutdownFlag.FORCE : 0)) as ShutdownMessage['flags'];
}

/**
 * Host side: a shutdown request.
 * @param versions - The versions negotiated on the channel.
 * @param transactionId - The id the answer must carry (default 0).
 * @throws ProtocolError if a value does not fit its field (a message too long…).
 */
export function buildShutdownRequest(
  versions: NegotiatedVersions,
  request: ShutdownRequest,
  transactionId = 0,
): Uint8Array {
  const body = ShutdownMessage.encode({
    reasonCode: request.reasonCode,
    timeoutSeconds: request.timeoutSeconds,
    flags: shutdownFlags(request),
    message: request.message,
  });
  return buildIcRequest({ messageType: IcMessageType.SHUTDOWN, versions, transactionId }, body);
}

/**
 * Guest side: the typed request in a shutdown message.
 * @throws ProtocolError if `request` is not a valid shutdown request.
 */
export function readShutdownRequest(request: Uint8Array): ShutdownRequest {
  const message = readIcRequest(request, IcMessageType.SHUTDOWN);
  const { reasonCode, timeoutSeconds, flags, message: text } = ShutdownMessage.decode(message.bytes, IC_HEADER_SIZE);
  const action: ShutdownAction =
    flags & ShutdownFlag.RESTART ? 'restart' : flags & ShutdownFlag.HIBERNATE ? 'hibernate' : 'power-off';
  return { action, force: (flags & ShutdownFlag.FORCE) !== 0, reasonCode, timeoutSeconds, message: text };
}

/**
 * Guest side: the answer to a shutdown request: S_OK if the guest accepts (it then starts the
 * shutdown after sending the answer, as Linux does), E_FAIL if it vetoes. The body is echoed.
 * @throws ProtocolError if `request` is not a valid shutdown request.
 */
export function answerShutdown(request: Uint8Array, accept: boolean): Uint8Array {
  const message = readIcRequest(request, IcMessageType.SHUTDOWN);
  ShutdownMessage.decode(message.bytes, IC_HEADER_SIZE);
  return buildIcResponse(message, accept ? IcStatus.S_OK : IcStatus.E_FAIL);
}

/**
 * Host side: reads the answer to a shutdown request.
 * @param transactionId - The transaction id of the request (default 0).
 * @throws ProtocolError if the answer is malformed.
 */
export function readShutdownResponse(response: Uint8Array, transactionId = 0): ShutdownResponse {
  const { header } = readIcResponse(response, { messageType: IcMessageType.SHUTDOWN, transactionId });
  return { accepted: header.status === IcStatus.S_OK, status: header.status };
}

/**
 * The header every integration-service message starts with, after the pipe header
 * (`struct icmsg_hdr`), and its codes. Byte-exact per PROTOCOLS.md §5.
 * @module
 */
import { oneOf, reserved, struct, u8, u16, u32, type Infer } from '@tsvisor/wire';
import { IcVersion } from './ic-version.js';

/** Message types carried in {@link IcMessageHeader.messageType} (`ICMSGTYPE_*`). */
export const IcMessageType = {
  /** Version negotiation, the first exchange on every integration-service channel. */
  NEGOTIATE: 0,
  /** Heartbeat. */
  HEARTBEAT: 1,
  /** Key-value pair exchange. */
  KVP: 2,
  /** Shutdown, restart or hibernate request. */
  SHUTDOWN: 3,
  /** Time synchronisation. */
  TIMESYNC: 4,
  /** Volume shadow copy (backup). */
  VSS: 5,
  /** File copy (guest services). */
  FCOPY: 7,
} as const;

/** A message type code: one of the values of {@link IcMessageType}. */
export type IcMessageType = (typeof IcMessageType)[keyof typeof IcMessageType];

/** Bits of {@link IcMessageHeader.flags} (`ICMSGHDRFLAG_*`). */
export const IcFlag = {
  /** The sender expects an answer carrying the same transaction id. */
  TRANSACTION: 1,
  /** The message is a request (host to guest). */
  REQUEST: 2,
  /** The message is the answer to a request (guest to host). */
  RESPONSE: 4,
} as const;

/** Flags of a request that wants an answer: `TRANSACTION | REQUEST`. */
export const IC_REQUEST_FLAGS = IcFlag.TRANSACTION | IcFlag.REQUEST;

/** Flags of every answer: `TRANSACTION | RESPONSE`. */
export const IC_RESPONSE_FLAGS = IcFlag.TRANSACTION | IcFlag.RESPONSE;

/**
 * Status codes in {@link IcMessageHeader.status} (HRESULTs). A guest may answer with any other
 * HRESULT too, so the field is a plain u32.
 */
export const IcStatus = {
  /** Success. */
  S_OK: 0,
  /** Failure: a vetoed shutdown, a KVP key that does not exist… */
  E_FAIL: 0x8000_4005,
  /** `HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS)`: the end of a KVP enumeration (`HV_S_CONT`). */
  NO_MORE_ITEMS: 0x8007_0103,
  /** `HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)`. */
  NOT_SUPPORTED: 0x8007_0032,
} as const;

/**
 * The 20-byte header of an integration-service message (`struct icmsg_hdr`). `messageSize` counts
 * the body after the header. Flags other than a request (`REQUEST`, optionally with `TRANSACTION`)
 * or a response (`RESPONSE`, optionally with `TRANSACTION`) and unknown message types are
 * `ProtocolError`s.
 */
export const IcMessageHeader = struct('IcMessageHeader', {
  frameworkVersion: IcVersion,
  messageType: oneOf(u16, Object.values(IcMessageType)),
  messageVersion: IcVersion,
  messageSize: u16,
  status: u32,
  transactionId: u8,
  flags: oneOf(u8, [IcFlag.REQUEST, IC_REQUEST_FLAGS, IcFlag.RESPONSE, IC_RESPONSE_FLAGS]),
  reserved: reserved(2),
});
/** Value of an {@link IcMessageHeader}. */
export type IcMessageHeader = Infer<typeof IcMessageHeader>;

/** Size of {@link IcMessageHeader}: the body starts here. */
export const IC_HEADER_SIZE = IcMessageHeader.size;

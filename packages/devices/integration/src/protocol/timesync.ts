/**
 * The time synchronisation service: the host sends its wall-clock time as a FILETIME (100 ns
 * units since 1601-01-01 UTC); the guest adopts it (SYNC) or may use it to discipline its clock
 * (SAMPLE), and acknowledges. Byte-exact per PROTOCOLS.md §5.
 *
 * Version 4.0 introduced a different body, {@link TimeSyncReferenceMessage}, which carries the
 * guest's reference-counter reading taken with the host time; 3.0 and 1.0 use
 * {@link TimeSyncMessage}. Which one a message holds follows from the negotiated version.
 * @module
 */
import { oneOf, reserved, struct, u8, u64, type Infer } from '@tsvisor/wire';
import { IC_HEADER_SIZE, IcMessageType, IcStatus } from './icmsg-header.js';
import { buildIcRequest, buildIcResponse, readIcRequest, readIcResponse, type IcMessage } from './ic-message.js';
import { icVersion, type IcVersion, type NegotiatedVersions } from './ic-version.js';

/** Interface type GUID of the time synchronisation channel. */
export const TIMESYNC_INTERFACE_ID = '9527e630-d0ae-497b-adce-e80ab0175caf';

/** Time synchronisation message versions, newest first. */
export const TIMESYNC_VERSIONS: readonly IcVersion[] = [icVersion(4, 0), icVersion(3, 0), icVersion(1, 0)];

/** Values of the flags byte (`ICTIMESYNCFLAG_*`): bits SYNC and SAMPLE; PROBE is no bit set. */
export const TimeSyncFlag = {
  /** Neither bit: a probe. */
  PROBE: 0,
  /** Set the clock to this time: sent after boot, resume or restore. */
  SYNC: 1,
  /** A periodic sample: a hint the guest may use to discipline its clock. */
  SAMPLE: 2,
} as const;

const FLAGS = oneOf(u8, [0, 1, 2, 3]);

/**
 * The body before version 4.0 (`ICTIMESYNC_DATA`: three FILETIMEs and the flags, 28 bytes in
 * Windows' 4-byte packing). Linux declares it packed, 25 bytes, and ignores `childTime` and
 * `roundTripTime`.
 */
export const TimeSyncMessage = struct('TimeSyncMessage', {
  parentTime: u64,
  childTime: u64,
  roundTripTime: u64,
  flags: FLAGS,
  reserved: reserved(3),
});
/** Value of a {@link TimeSyncMessage}. */
export type TimeSyncMessage = Infer<typeof TimeSyncMessage>;

/**
 * The body from version 4.0 on (`ICTIMESYNC_REF_DATA`, 24 bytes in Windows' 4-byte packing; Linux's
 * packed `struct ictimesync_ref_data` is its first 22). `vmReferenceTime` is the guest's partition
 * reference counter (100 ns units) when the host read `parentTime`: the guest adds the time elapsed
 * since then. `leapFlags` and `stratum` are NTP's leap indicator and stratum.
 */
export const TimeSyncReferenceMessage = struct('TimeSyncReferenceMessage', {
  parentTime: u64,
  vmReferenceTime: u64,
  flags: FLAGS,
  leapFlags: u8,
  stratum: u8,
  reserved: reserved(5),
});
/** Value of a {@link TimeSyncReferenceMessage}. */
export type TimeSyncReferenceMessage = Infer<typeof TimeSyncReferenceMessage>;

/** A time sample in either format. */
export type TimeSyncSample = TimeSyncMessage | TimeSyncReferenceMessage;

/** What the guest answered. */
export interface TimeSyncResponse {
  readonly status: number;
}

/** 100 ns units from 1601-01-01 (the FILETIME epoch) to 1970-01-01 (the Unix epoch): `WLTIMEDELTA`. */
export const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000n;

const TICKS_PER_MS = 10_000;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * The FILETIME (100 ns units since 1601-01-01 UTC) of a Unix time in milliseconds, rounded to
 * 100 ns. `fileTimeFromUnixMs(Date.now())` is the host time to send.
 * @throws RangeError if the time is not finite or falls outside what a u64 FILETIME holds.
 */
export function fileTimeFromUnixMs(unixMs: number): bigint {
  if (!Number.isFinite(unixMs)) throw new RangeError(`a Unix time must be finite, got ${unixMs}`);
  const whole = Math.trunc(unixMs);
  const ticks =
    BigInt(whole) * BigInt(TICKS_PER_MS) + BigInt(Math.round((unixMs - whole) * TICKS_PER_MS)) + FILETIME_UNIX_EPOCH;
  if (ticks < 0n || ticks > U64_MAX) throw new RangeError(`Unix time ${unixMs} ms is outside the FILETIME range`);
  return ticks;
}

/** The Unix time in milliseconds (with a fraction below 1 ms) of a FILETIME. */
export function unixMsFromFileTime(fileTime: bigint): number {
  const delta = fileTime - FILETIME_UNIX_EPOCH;
  const ticks = BigInt(TICKS_PER_MS);
  return Number(delta / ticks) + Number(delta % ticks) / TICKS_PER_MS;
}

/** True if messages of `serviceVersion` carry a {@link TimeSyncReferenceMessage} (4.0 and later). */
export function usesReferenceTime(serviceVersion: IcVersion): boolean {
  return serviceVersion.major >= 4;
}

/** True if `sample` is in the version 4.0 format. */
export function isReferenceSample(sample: TimeSyncSample): sample is TimeSyncReferenceMessage {
  return 'vmReferenceTime' in sample;
}

/**
 * Host side: a time synchronisation request carrying `sample`, which must be in the format of the
 * negotiated version.
 * @param versions - The versions negotiated on the channel.
 * @param transactionId - The id the answer must carry (default 0).
 * @throws RangeError if the sample's format does not match `versions.service`.
 * @throws ProtocolError if a value does not fit its field.
 */
export function buildTimeSyncRequest(
  versions: NegotiatedVersions,
  sample: TimeSyncSample,
  transactionId = 0,
): Uint8Array {
  const reference = usesReferenceTime(versions.service);
  if (reference !== isReferenceSample(sample)) {
    throw new RangeError(
      `time sync ${versions.service.major}.${versions.service.minor} carries ${
        reference ? 'a reference-time' : 'a three-time'
      } sample`,
    );
  }
  const body = isReferenceSample(sample) ? TimeSyncReferenceMessage.encode(sample) : TimeSyncMessage.encode(sample);
  return buildIcRequest({ messageType: IcMessageType.TIMESYNC, versions, transactionId }, body);
}

/** Decodes the sample of `message` in the format of `serviceVersion`. */
function readSample(message: IcMessage, serviceVersion: IcVersion): TimeSyncSample {
  return usesReferenceTime(serviceVersion)
    ? TimeSyncReferenceMessage.decode(message.bytes, IC_HEADER_SIZE)
    : TimeSyncMessage.decode(message.bytes, IC_HEADER_SIZE);
}

/**
 * Guest side: the sample in a time synchronisation request. Like Linux, the format follows the
 * version the guest negotiated, not the version in the header.
 * @param serviceVersion - The service version negotiated on the channel.
 * @throws ProtocolError if `request` is not a valid time synchronisation request.
 */
export function readTimeSyncRequest(request: Uint8Array, serviceVersion: IcVersion): TimeSyncSample {
  return readSample(readIcRequest(request, IcMessageType.TIMESYNC), serviceVersion);
}

/**
 * Guest side: the acknowledgement of a time synchronisation request, status S_OK, body echoed.
 * @param serviceVersion - The service version negotiated on the channel.
 * @throws ProtocolError if `request` is not a valid time synchronisation request.
 */
export function answerTimeSync(request: Uint8Array, serviceVersion: IcVersion): Uint8Array {
  const message = readIcRequest(request, IcMessageType.TIMESYNC);
  readSample(message, serviceVersion);
  return buildIcResponse(message, IcStatus.S_OK);
}

/**
 * Host side: reads the acknowledgement of a time synchronisation request.
 * @param transactionId - The transaction id of the request (default 0).
 * @throws ProtocolError if the answer is malformed.
 */
export function readTimeSyncResponse(response: Uint8Array, transactionId = 0): TimeSyncResponse {
  const { header } = readIcResponse(response, { messageType: IcMessageType.TIMESYNC, transactionId });
  return { status: header.status };
}

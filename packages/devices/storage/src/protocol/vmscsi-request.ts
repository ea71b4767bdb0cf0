/**
 * The SCSI request block of storvsc/storvsp (`struct vmscsi_request`), byte-exact per
 * PROTOCOLS.md §3, and an allocation-free check of one in place for the VSP's hot path.
 * @module
 */
import { bytes, oneOf, reserved, struct, u8, u16, u32, type Infer } from '@tsvisor/wire';
import { VstorVersion } from './vstor-version.js';
import { VmscsiDataDirection } from './vmscsi-data-direction.js';

/** Size of a `vmscsi_request` from Windows 8 (protocol 5.1) on: 52 bytes. */
export const VMSCSI_REQUEST_SIZE = 52;

/** `length` of a request before Windows 8, without the 16-byte Windows 8 extension: 36 bytes. */
export const VMSCSI_REQUEST_SIZE_PRE_WIN8 = 36;

/** The largest CDB a request carries. */
export const VMSCSI_CDB_SIZE = 16;

/** The largest sense data a completion carries (`STORVSC_SENSE_BUFFER_SIZE`). */
export const VMSCSI_SENSE_SIZE = 20;

/** Every value from 0 to `max`. */
function upTo(max: number): number[] {
  return Array.from({ length: max + 1 }, (_, value) => value);
}

/**
 * A SCSI request block (`struct vmscsi_request`, 52 bytes). A request carries its CDB in the first
 * `cdbLength` bytes of `cdbOrSense`; the completion returns `senseInfoLength` bytes of sense data
 * there, and in `dataTransferLength` the bytes that moved. `length` is the size the sender uses
 * (52, or 36 before protocol 5.1); `cdbLength` above 16, `senseInfoLength` above 20 and an unknown
 * `dataIn` are `ProtocolError`s.
 */
export const VmscsiRequest = struct('VmscsiRequest', {
  length: oneOf(u16, [VMSCSI_REQUEST_SIZE_PRE_WIN8, VMSCSI_REQUEST_SIZE]),
  srbStatus: u8,
  scsiStatus: u8,
  portNumber: u8,
  pathId: u8,
  targetId: u8,
  lun: u8,
  cdbLength: oneOf(u8, upTo(VMSCSI_CDB_SIZE)),
  senseInfoLength: oneOf(u8, upTo(VMSCSI_SENSE_SIZE)),
  dataIn: oneOf(u8, Object.values(VmscsiDataDirection)),
  reserved: reserved(1),
  dataTransferLength: u32,
  /** The union of `cdb[16]` and `sense_data[20]`. */
  cdbOrSense: bytes(VMSCSI_SENSE_SIZE),
  reserved1: reserved(2),
  queueTag: u8,
  queueAction: u8,
  srbFlags: u32,
  timeoutValue: u32,
  queueSortKey: u32,
});
/** Value of a {@link VmscsiRequest}. */
export type VmscsiRequest = Infer<typeof VmscsiRequest>;

/** The `length` a sender of protocol `version` puts in its requests. */
export function vmscsiRequestLength(version: number): number {
  return version >= VstorVersion.WIN8 ? VMSCSI_REQUEST_SIZE : VMSCSI_REQUEST_SIZE_PRE_WIN8;
}

const LENGTH = VmscsiRequest.offsetOf('length');
const CDB_LENGTH = VmscsiRequest.offsetOf('cdbLength');
const SENSE_INFO_LENGTH = VmscsiRequest.offsetOf('senseInfoLength');
const DATA_IN = VmscsiRequest.offsetOf('dataIn');

/**
 * Whether the request at `offset` is one {@link VmscsiRequest} decodes without error, judged
 * without allocating.
 */
export function isValidVmscsiRequest(view: DataView, offset: number): boolean {
  if (!Number.isInteger(offset) || offset < 0 || offset + VMSCSI_REQUEST_SIZE > view.byteLength) return false;
  const length = view.getUint16(offset + LENGTH, true);
  return (
    (length === VMSCSI_REQUEST_SIZE || length === VMSCSI_REQUEST_SIZE_PRE_WIN8) &&
    view.getUint8(offset + CDB_LENGTH) <= VMSCSI_CDB_SIZE &&
    view.getUint8(offset + SENSE_INFO_LENGTH) <= VMSCSI_SENSE_SIZE &&
    view.getUint8(offset + DATA_IN) <= VmscsiDataDirection.NONE
  );
}

/**
 * Checks the request at `offset` in place, allocating nothing when it is valid, so that the VSP
 * can then read its fields through `view` at `VmscsiRequest.offsetOf(…)`.
 * @throws ProtocolError - the one {@link VmscsiRequest} decoding throws, naming the field.
 */
export function checkVmscsiRequest(view: DataView, offset: number): void {
  // On failure the layout itself reports the problem, so both checks name fields the same way.
  if (!isValidVmscsiRequest(view, offset)) VmscsiRequest.read(view, offset);
}

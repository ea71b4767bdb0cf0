/**
 * The 64-byte packet of storvsc/storvsp (`struct vstor_packet`): a 12-byte header and a 52-byte
 * union, declared once per payload. Byte-exact per PROTOCOLS.md §3.
 * @module
 */
import { oneOf, reserved, struct, u16, u32, type Infer } from '@tsvisor/wire';
import { VSTOR_FLAG_REQUEST_COMPLETION, VstorOperation } from './vstor-operation.js';
import { VstorProtocolVersion, VstorVersion } from './vstor-version.js';
import { VstorChannelProperties } from './vstor-channel-properties.js';
import { VMSCSI_REQUEST_SIZE, VMSCSI_REQUEST_SIZE_PRE_WIN8, VmscsiRequest, isValidVmscsiRequest } from './vmscsi-request.js';

/** Size of a vstor packet from protocol 5.1 on. */
export const VSTOR_PACKET_SIZE = 64;

/** Size of the union after the header. */
export const VSTOR_PAYLOAD_SIZE = VMSCSI_REQUEST_SIZE;

/**
 * Bytes of a vstor packet a guest sends once protocol `version` is agreed (0: not yet, the full
 * packet): before 5.1 the request lacks its 16-byte Windows 8 extension.
 */
export function vstorPacketLength(version: number): number {
  return version !== 0 && version < VstorVersion.WIN8 ? VSTOR_PACKET_SIZE - (VMSCSI_REQUEST_SIZE - VMSCSI_REQUEST_SIZE_PRE_WIN8) : VSTOR_PACKET_SIZE;
}

/** The header fields every packet starts with; unknown operations and flags are `ProtocolError`s. */
const header = {
  operation: oneOf(u32, Object.values(VstorOperation)),
  flags: oneOf(u32, [0, VSTOR_FLAG_REQUEST_COMPLETION]),
  /** NTSTATUS: 0 on success. */
  status: u32,
};

/** The 12-byte header of a vstor packet: operation, flags, status. */
export const VstorPacketHeader = struct('VstorPacketHeader', header);
/** Value of a {@link VstorPacketHeader}. */
export type VstorPacketHeader = Infer<typeof VstorPacketHeader>;

/**
 * A packet whose union carries nothing: BEGIN/END_INITIALIZATION, QUERY_PROPERTIES requests, the
 * resets, ENUMERATE_BUS, REMOVE_DEVICE and plain completions.
 */
export const VstorPacket = struct('VstorPacket', { ...header, payload: reserved(VSTOR_PAYLOAD_SIZE) });
/** Value of a {@link VstorPacket}. */
export type VstorPacket = Infer<typeof VstorPacket>;

/** EXECUTE_SRB and its COMPLETE_IO: the union holds a {@link VmscsiRequest}. */
export const VstorSrbPacket = struct('VstorSrbPacket', { ...header, srb: VmscsiRequest });
/** Value of a {@link VstorSrbPacket}. */
export type VstorSrbPacket = Infer<typeof VstorSrbPacket>;

/** QUERY_PROTOCOL_VERSION and its completion: the union holds a {@link VstorProtocolVersion}. */
export const VstorVersionPacket = struct('VstorVersionPacket', {
  ...header,
  version: VstorProtocolVersion,
  reserved: reserved(VSTOR_PAYLOAD_SIZE - VstorProtocolVersion.size),
});
/** Value of a {@link VstorVersionPacket}. */
export type VstorVersionPacket = Infer<typeof VstorVersionPacket>;

/** The completion of QUERY_PROPERTIES: the union holds {@link VstorChannelProperties}. */
export const VstorPropertiesPacket = struct('VstorPropertiesPacket', {
  ...header,
  properties: VstorChannelProperties,
  reserved: reserved(VSTOR_PAYLOAD_SIZE - VstorChannelProperties.size),
});
/** Value of a {@link VstorPropertiesPacket}. */
export type VstorPropertiesPacket = Infer<typeof VstorPropertiesPacket>;

/** CREATE_SUB_CHANNELS: the union holds the number of sub-channels wanted. */
export const VstorSubChannelPacket = struct('VstorSubChannelPacket', {
  ...header,
  subChannelCount: u16,
  reserved: reserved(VSTOR_PAYLOAD_SIZE - 2),
});
/** Value of a {@link VstorSubChannelPacket}. */
export type VstorSubChannelPacket = Infer<typeof VstorSubChannelPacket>;

const OPERATIONS: ReadonlySet<number> = new Set(Object.values(VstorOperation));
const FLAGS = VstorPacket.offsetOf('flags');
const SRB = VstorSrbPacket.offsetOf('srb');

/**
 * Checks the packet at `offset` in place — its header and, for EXECUTE_SRB, its request — and
 * returns its operation, allocating nothing when it is valid.
 * @throws ProtocolError - naming the field, as decoding the packet's layout would.
 */
export function checkVstorPacket(view: DataView, offset: number): VstorOperation {
  if (Number.isInteger(offset) && offset >= 0 && offset + VSTOR_PACKET_SIZE <= view.byteLength) {
    const operation = view.getUint32(offset, true);
    if ((operation === VstorOperation.EXECUTE_SRB || OPERATIONS.has(operation)) && view.getUint32(offset + FLAGS, true) <= VSTOR_FLAG_REQUEST_COMPLETION) {
      if (operation !== VstorOperation.EXECUTE_SRB || isValidVmscsiRequest(view, offset + SRB)) {
        return operation as VstorOperation;
      }
      // The layouts report the problem, so both checks name fields the same way.
      return VstorSrbPacket.read(view, offset).operation;
    }
  }
  return VstorPacket.read(view, offset).operation;
}

/**
 * The NDIS object identifiers a synthetic NIC is queried and set through, the values of a few of
 * them, and readers of the information buffers that carry them (PROTOCOLS.md §4).
 * @module
 */
import { ProtocolError } from '@tsvisor/wire';

/** OIDs of RNDIS QUERY and SET (`RNDIS_OID_*`). */
export const RndisOid = {
  /** The OIDs the device supports: a u32 array. */
  GEN_SUPPORTED_LIST: 0x0001_0101,
  /** Largest frame without its Ethernet header (the MTU): u32. */
  GEN_MAXIMUM_FRAME_SIZE: 0x0001_0106,
  /** Link speed in units of 100 bit/s: u32. */
  GEN_LINK_SPEED: 0x0001_0107,
  /** The receive filter: u32 of {@link NdisPacketFilter} bits. */
  GEN_CURRENT_PACKET_FILTER: 0x0001_010e,
  /** Largest frame with its Ethernet header: u32. */
  GEN_MAXIMUM_TOTAL_SIZE: 0x0001_0111,
  /** {@link NdisMediaState}: u32. */
  GEN_MEDIA_CONNECT_STATUS: 0x0001_0114,
  /** The burned-in MAC address: 6 bytes. */
  PERMANENT_ADDRESS_802_3: 0x0101_0101,
  /** The MAC address in use: 6 bytes. */
  CURRENT_ADDRESS_802_3: 0x0101_0102,
  /** The multicast addresses received: 6 bytes each. */
  MULTICAST_LIST_802_3: 0x0101_0103,
  /** How many multicast addresses the list holds at most: u32. */
  MAXIMUM_LIST_SIZE_802_3: 0x0101_0104,
} as const;

/** An OID: one of the values of {@link RndisOid}. */
export type RndisOid = (typeof RndisOid)[keyof typeof RndisOid];

/** Values of `GEN_MEDIA_CONNECT_STATUS`. */
export const NdisMediaState = {
  CONNECTED: 0,
  DISCONNECTED: 1,
} as const;

/** Bits of `GEN_CURRENT_PACKET_FILTER` (`NDIS_PACKET_TYPE_*`); 0 receives nothing. */
export const NdisPacketFilter = {
  DIRECTED: 0x0001,
  MULTICAST: 0x0002,
  ALL_MULTICAST: 0x0004,
  BROADCAST: 0x0008,
  PROMISCUOUS: 0x0020,
} as const;

/** Size of a MAC address, the value of the 802.3 address OIDs. */
export const MAC_ADDRESS_SIZE = 6;

/** Fails the read of an information buffer whose size the OID does not allow. */
function sizeFault(oid: number, expected: number, actual: number): ProtocolError {
  return new ProtocolError(`OID 0x${oid.toString(16)} takes ${expected} bytes, got ${actual}`, {
    layout: 'RndisInformationBuffer',
    path: 'information',
  });
}

/**
 * The u32 value of `oid` in `information` (a QUERY completion's or a SET request's buffer).
 * @throws ProtocolError naming `information` unless it is exactly 4 bytes.
 */
export function readOidU32(information: Uint8Array, oid: number): number {
  if (information.length !== 4) throw sizeFault(oid, 4, information.length);
  return new DataView(information.buffer, information.byteOffset, 4).getUint32(0, true);
}

/** `value` as the 4-byte information buffer of a u32 OID. */
export function oidU32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

/**
 * The MAC address in `information`, the value of an 802.3 address OID: a copy of its 6 bytes.
 * @throws ProtocolError naming `information` unless it is exactly 6 bytes.
 */
export function readOidMacAddress(information: Uint8Array, oid: number): Uint8Array {
  if (information.length !== MAC_ADDRESS_SIZE) throw sizeFault(oid, MAC_ADDRESS_SIZE, information.length);
  return information.slice();
}

/**
 * Ethernet (IEEE 802.3) facts the synthetic NIC and the switch rely on: frame sizes without the
 * FCS, which neither RNDIS nor the switch carries, and EtherTypes.
 * @module
 */

/** Destination, source, EtherType. */
export const ETHERNET_HEADER_SIZE = 14;

/** Offset of the destination MAC in a frame. */
export const ETHERNET_DESTINATION_OFFSET = 0;

/** Offset of the source MAC in a frame. */
export const ETHERNET_SOURCE_OFFSET = 6;

/** Offset of the EtherType (or of an 802.1Q tag's TPID) in a frame. */
export const ETHERNET_TYPE_OFFSET = 12;

/** The 802.1Q tag inserted after the source address: TPID and TCI. */
export const ETHERNET_VLAN_TAG_SIZE = 4;

/** Shortest frame: 64 on the wire, less the FCS; shorter frames are padded to it. */
export const ETHERNET_MIN_FRAME_SIZE = 60;

/** Longest untagged frame at the standard 1500-byte MTU. */
export const ETHERNET_MAX_FRAME_SIZE = 1514;

/** Longest jumbo frame: Hyper-V's 9000-byte MTU ("Jumbo Packet" 9014). */
export const ETHERNET_MAX_JUMBO_FRAME_SIZE = 9014;

/** The standard MTU: {@link ETHERNET_MAX_FRAME_SIZE} less the header. */
export const ETHERNET_MTU = ETHERNET_MAX_FRAME_SIZE - ETHERNET_HEADER_SIZE;

/** EtherTypes (big-endian on the wire). */
export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  /** An 802.1Q tag: the real EtherType follows the 2-byte TCI. */
  VLAN: 0x8100,
} as const;

/** An EtherType: one of the values of {@link EtherType}. */
export type EtherType = (typeof EtherType)[keyof typeof EtherType];

/** The VLAN id bits of an 802.1Q tag's TCI. */
export const VLAN_ID_MASK = 0x0fff;

/** The lowest VLAN id a port may carry (0 means priority-only, 4095 is reserved). */
export const MIN_VLAN_ID = 1;

/** The highest VLAN id a port may carry. */
export const MAX_VLAN_ID = 4094;

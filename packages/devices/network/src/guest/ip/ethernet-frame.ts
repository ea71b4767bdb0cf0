import { ETHERNET_HEADER_SIZE, ETHERNET_VLAN_TAG_SIZE, EtherType, VLAN_ID_MASK } from '../../protocol/ethernet.js';
import { readMac, writeMac, type MacAddress } from '../../protocol/mac-address.js';

/**
 * Ethernet II framing (IEEE 802.3 clause 3.2.6 with an EtherType): destination MAC, source MAC,
 * EtherType, payload. No FCS: the link adds and checks it. On receive one IEEE 802.1Q tag may sit
 * before the EtherType.
 */

/** The header of a received frame. The stack reuses one instance, so the receive path allocates nothing. */
export class EthernetHeader {
  destination = 0 as MacAddress;
  source = 0 as MacAddress;
  /** The EtherType after any 802.1Q tag. */
  etherType = 0;
  /** The 802.1Q VLAN id, or -1 for an untagged frame. */
  vlanId = -1;
  /** Where the payload starts in the frame. */
  payloadOffset = 0;
}

/** Parses the header of `frame` into `into`; false when the frame is too short for its header. */
export function parseEthernetHeader(frame: Uint8Array, into: EthernetHeader): boolean {
  if (frame.length < ETHERNET_HEADER_SIZE) return false;
  into.destination = readMac(frame, 0);
  into.source = readMac(frame, 6);
  let etherType = (frame[12]! << 8) | frame[13]!;
  let payloadOffset = ETHERNET_HEADER_SIZE;
  into.vlanId = -1;
  if (etherType === EtherType.VLAN) {
    if (frame.length < ETHERNET_HEADER_SIZE + ETHERNET_VLAN_TAG_SIZE) return false;
    into.vlanId = ((frame[14]! << 8) | frame[15]!) & VLAN_ID_MASK;
    etherType = (frame[16]! << 8) | frame[17]!;
    payloadOffset += ETHERNET_VLAN_TAG_SIZE;
  }
  into.etherType = etherType;
  into.payloadOffset = payloadOffset;
  return true;
}

/** Writes an untagged Ethernet II header at the start of `frame`; the payload goes at {@link ETHERNET_HEADER_SIZE}. */
export function writeEthernetHeader(frame: Uint8Array, destination: MacAddress, source: MacAddress, etherType: number): void {
  writeMac(frame, 0, destination);
  writeMac(frame, 6, source);
  frame[12] = etherType >>> 8;
  frame[13] = etherType;
}

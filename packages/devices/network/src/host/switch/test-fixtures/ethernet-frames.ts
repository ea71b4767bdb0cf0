import type { FrameReceiver } from '../frame-receiver.js';
import { BROADCAST_MAC } from '../../../protocol/mac-address.js';

/** Writes a MAC address at `offset`. */
function putMac(frame: Uint8Array, offset: number, mac: number): void {
  for (let i = 5; i >= 0; i--) {
    frame[offset + i] = mac % 256;
    mac = Math.floor(mac / 256);
  }
}

/** An untagged Ethernet II frame of `length` bytes (payload filled with `fill`). */
export function ethernetFrame(destination: number, source: number, etherType = 0x88b5, length = 64, fill = 0xab): Uint8Array {
  const frame = new Uint8Array(length).fill(fill);
  putMac(frame, 0, destination);
  putMac(frame, 6, source);
  frame[12] = etherType >> 8;
  frame[13] = etherType & 0xff;
  return frame;
}

/** The same frame with an 802.1Q tag (VLAN `vlanId`, priority `priority`) after the source address. */
export function tagged(frame: Uint8Array, vlanId: number, priority = 0): Uint8Array {
  const out = new Uint8Array(frame.length + 4);
  out.set(frame.subarray(0, 12), 0);
  out[12] = 0x81;
  out[13] = 0x00;
  const tci = (priority << 13) | vlanId;
  out[14] = tci >> 8;
  out[15] = tci & 0xff;
  out.set(frame.subarray(12), 16);
  return out;
}

/** The 802.1Q VLAN id of a frame, or undefined if it is untagged. */
export function vlanOf(frame: Uint8Array): number | undefined {
  return frame[12] === 0x81 && frame[13] === 0x00 ? ((frame[14]! << 8) | frame[15]!) & 0xfff : undefined;
}

/** A receiver that keeps a copy of everything delivered to it. */
export class RecordingReceiver implements FrameReceiver {
  readonly frames: Uint8Array[] = [];
  constructor(private readonly accept = true) {}
  receiveFrame(frame: Uint8Array, offset: number, length: number): boolean {
    this.frames.push(frame.slice(offset, offset + length));
    return this.accept;
  }
}

function checksum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i < end; i += 2) sum += (bytes[i]! << 8) | (i + 1 < end ? bytes[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An ARP request or reply (RFC 826) for IPv4 over Ethernet. */
export function arpFrame(op: 1 | 2, senderMac: number, senderIp: number, targetMac: number, targetIp: number): Uint8Array {
  const frame = ethernetFrame(op === 1 ? BROADCAST_MAC : targetMac, senderMac, 0x0806, 42, 0);
  const v = new DataView(frame.buffer);
  v.setUint16(14, 1); // hardware: Ethernet
  v.setUint16(16, 0x0800);
  frame[18] = 6;
  frame[19] = 4;
  v.setUint16(20, op);
  putMac(frame, 22, senderMac);
  v.setUint32(28, senderIp);
  putMac(frame, 32, op === 1 ? 0 : targetMac);
  v.setUint32(38, targetIp);
  return frame;
}

/** An IPv4 packet in an Ethernet frame, with a correct header checksum. */
function ipv4Frame(destinationMac: number, sourceMac: number, protocol: number, sourceIp: number, destinationIp: number, payload: Uint8Array): Uint8Array {
  const frame = ethernetFrame(destinationMac, sourceMac, 0x0800, 14 + 20 + payload.length, 0);
  const v = new DataView(frame.buffer);
  frame[14] = 0x45;
  v.setUint16(16, 20 + payload.length);
  v.setUint16(18, 0x1234);
  v.setUint16(20, 0x4000); // don't fragment
  frame[22] = 64;
  frame[23] = protocol;
  v.setUint32(26, sourceIp);
  v.setUint32(30, destinationIp);
  v.setUint16(24, checksum(frame, 14, 34));
  frame.set(payload, 34);
  return frame;
}

/** An ICMP echo request (type 8) or reply (type 0). */
export function icmpEchoFrame(type: 0 | 8, destinationMac: number, sourceMac: number, sourceIp: number, destinationIp: number): Uint8Array {
  const icmp = new Uint8Array(8 + 32);
  const v = new DataView(icmp.buffer);
  icmp[0] = type;
  v.setUint16(4, 0x4242);
  v.setUint16(6, 1);
  for (let i = 8; i < icmp.length; i++) icmp[i] = i;
  v.setUint16(2, checksum(icmp, 0, icmp.length));
  return ipv4Frame(destinationMac, sourceMac, 1, sourceIp, destinationIp, icmp);
}

/** A UDP datagram with a correct checksum (over the IPv4 pseudo-header). */
export function udpFrame(destinationMac: number, sourceMac: number, sourceIp: number, destinationIp: number, sourcePort: number, destinationPort: number, data: Uint8Array): Uint8Array {
  const udp = new Uint8Array(8 + data.length);
  const v = new DataView(udp.buffer);
  v.setUint16(0, sourcePort);
  v.setUint16(2, destinationPort);
  v.setUint16(4, udp.length);
  udp.set(data, 8);
  const pseudo = new Uint8Array(12 + udp.length);
  const p = new DataView(pseudo.buffer);
  p.setUint32(0, sourceIp);
  p.setUint32(4, destinationIp);
  pseudo[9] = 17;
  p.setUint16(10, udp.length);
  pseudo.set(udp, 12);
  v.setUint16(6, checksum(pseudo, 0, pseudo.length) || 0xffff);
  return ipv4Frame(destinationMac, sourceMac, 17, sourceIp, destinationIp, udp);
}

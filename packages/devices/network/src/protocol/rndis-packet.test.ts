import { describe, expect, it } from 'vitest';
import { expectGolden, expectProtocolError, hex, toHex, zeros } from '@tsvisor/wire/testing';
import { RndisMessageType } from './rndis-message-type.js';
import {
  RNDIS_PACKET_SIZE,
  RndisPacket,
  checkRndisPacket,
  writeRndisPacketHeader,
  type RndisFrame,
} from './rndis-packet.js';
import { encodeRndisMessage, readRndisMessage } from './rndis-message.js';
import {
  ETHERNET_HEADER_SIZE,
  ETHERNET_MAX_FRAME_SIZE,
  ETHERNET_MAX_JUMBO_FRAME_SIZE,
  ETHERNET_MIN_FRAME_SIZE,
  ETHERNET_MTU,
  EtherType,
} from './ethernet.js';

/** A 60-byte broadcast ARP frame (padded), its bytes 0..59 numbered for recognition. */
const FRAME = Uint8Array.from({ length: 60 }, (_, index) => index);

/** An 802.1Q per-packet information element: size 16, type 6, value at offset 12, VLAN 5. */
const VLAN_PPI = hex('10 00 00 00  06 00 00 00  0c 00 00 00  05 00 00 00');

/** The fixed part of a packet of a 60-byte frame and no per-packet information. */
const HEADER_HEX =
  // type 1     length 104   data at 36   60 bytes     no OOB data (offset, length, count)
  '01 00 00 00  68 00 00 00  24 00 00 00  3c 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00' +
  // per-packet info at 36, 0 bytes  vc handle    reserved
  '24 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00';

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function newFrame(): RndisFrame {
  return {
    offset: -1,
    length: -1,
    perPacketInfoOffset: -1,
    perPacketInfoLength: -1,
    messageLength: -1,
  };
}

/** A packet of {@link FRAME} with no per-packet information. */
function packet(): Uint8Array {
  return encodeRndisMessage({
    type: RndisMessageType.PACKET,
    frame: FRAME,
    perPacketInfo: new Uint8Array(0),
  });
}

function patched(at: number, value: number, bytes = packet()): Uint8Array {
  view(bytes).setUint32(at, value, true);
  return bytes;
}

describe('Ethernet constants', () => {
  it('has the frame sizes without FCS and the EtherTypes', () => {
    expect([
      ETHERNET_MIN_FRAME_SIZE,
      ETHERNET_MAX_FRAME_SIZE,
      ETHERNET_MAX_JUMBO_FRAME_SIZE,
      ETHERNET_HEADER_SIZE,
      ETHERNET_MTU,
    ]).toEqual([60, 1514, 9014, 14, 1500]);
    expect(EtherType).toEqual({ IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100 });
  });
});

describe('RNDIS_PACKET', () => {
  it('the layout: golden bytes of `struct rndis_packet` after the header', () => {
    expect(RNDIS_PACKET_SIZE).toBe(44);
    expectGolden(
      RndisPacket,
      {
        type: RndisMessageType.PACKET,
        length: 104,
        dataOffset: 36,
        dataLength: 60,
        oobDataOffset: 0,
        oobDataLength: 0,
        numOobDataElements: 0,
        perPacketInfoOffset: 36,
        perPacketInfoLength: 0,
        vcHandle: 0,
      },
      HEADER_HEX
    );
  });

  it('writeRndisPacketHeader builds a receive indication in place: header, per-packet info, frame', () => {
    const bytes = new Uint8Array(300).fill(0xee);
    expect(writeRndisPacketHeader(view(bytes), 16, FRAME.length)).toBe(104);
    expect(toHex(bytes.subarray(16, 16 + RNDIS_PACKET_SIZE))).toBe(toHex(hex(HEADER_HEX)));
    expect(bytes[15]).toBe(0xee);
    expect(bytes[16 + RNDIS_PACKET_SIZE]).toBe(0xee);

    expect(writeRndisPacketHeader(view(bytes), 0, FRAME.length, VLAN_PPI.length)).toBe(120);
    expect(toHex(bytes.subarray(0, RNDIS_PACKET_SIZE))).toBe(
      toHex(
        hex(
          // type 1     length 120   data at 52   60 bytes     no OOB data
          '01 00 00 00  78 00 00 00  34 00 00 00  3c 00 00 00' +
            zeros(12) +
            // per-packet info at 36, 16 bytes  vc handle    reserved
            '24 00 00 00  10 00 00 00  00 00 00 00  00 00 00 00'
        )
      )
    );
  });

  it('writeRndisPacketHeader refuses a packet that does not fit', () => {
    const small = view(new Uint8Array(103));
    expect(() => writeRndisPacketHeader(small, 0, 60)).toThrow(RangeError);
    expect(() => writeRndisPacketHeader(view(new Uint8Array(200)), 0, -1)).toThrow(RangeError);
    expect(() => writeRndisPacketHeader(view(new Uint8Array(200)), 0.5, 60)).toThrow(RangeError);
  });

  it('checkRndisPacket finds the frame and the per-packet information, filling the frame it is given', () => {
    const bytes = new Uint8Array(400);
    const length = writeRndisPacketHeader(view(bytes), 100, FRAME.length, VLAN_PPI.length);
    bytes.set(VLAN_PPI, 100 + RNDIS_PACKET_SIZE);
    bytes.set(FRAME, 100 + RNDIS_PACKET_SIZE + VLAN_PPI.length);
    const frame = newFrame();
    expect(checkRndisPacket(view(bytes), 100, length, frame)).toBe(frame);
    expect(frame).toEqual({
      offset: 160,
      length: 60,
      perPacketInfoOffset: 144,
      perPacketInfoLength: 16,
      messageLength: RNDIS_PACKET_SIZE + VLAN_PPI.length + FRAME.length,
    });
    // Bytes after the message (the rest of a receive-buffer slot) are not its business.
    expect(checkRndisPacket(view(bytes), 100, 300, newFrame())).toEqual(frame);
  });

  it('reads a packet as Linux builds it for sending: per-packet info first, then the frame', () => {
    const message = {
      type: RndisMessageType.PACKET,
      frame: FRAME,
      perPacketInfo: VLAN_PPI,
    } as const;
    const wire = encodeRndisMessage(message);
    expect(wire).toHaveLength(120);
    expect(readRndisMessage(wire)).toEqual(message);
  });
});

describe('hostile RNDIS_PACKETs', () => {
  const check = (bytes: Uint8Array, length = bytes.length) => checkRndisPacket(view(bytes), 0, length, newFrame());
  const at = (field: Parameters<typeof RndisPacket.offsetOf>[0]) => RndisPacket.offsetOf(field);
  const expectFault = (bytes: Uint8Array, path: string, length?: number) => {
    expectProtocolError(() => check(bytes, length), {
      layout: 'RndisPacket',
      path,
    });
    expectProtocolError(() => readRndisMessage(length === undefined ? bytes : bytes.subarray(0, length)), {
      layout: 'RndisPacket',
      path,
    });
  };

  it('names the first field a truncated packet lacks, and another type', () => {
    expectFault(packet(), 'oobDataLength', 20);
    expectFault(packet(), 'perPacketInfoOffset', 30);
    expectProtocolError(() => check(patched(0, RndisMessageType.QUERY)), {
      layout: 'RndisPacket',
      path: 'type',
      offset: 0,
    });
  });

  it('names the length when shorter than the fixed part or longer than the bytes given', () => {
    expectFault(patched(at('length'), 43), 'length');
    expectFault(patched(at('length'), 105), 'length');
    expectFault(packet(), 'length', 103);
  });

  it('names the data offset when it points into the fixed part or past the end', () => {
    for (const offset of [0, 8, 35, 97, 0xffffffff]) expectFault(patched(at('dataOffset'), offset), 'dataOffset');
  });

  it('names the data length when the frame runs past the message, or is empty', () => {
    for (const length of [61, 0xffffffff, 0]) expectFault(patched(at('dataLength'), length), 'dataLength');
  });

  it('names the out-of-band and per-packet info fields alike', () => {
    expectFault(patched(at('oobDataLength'), 4), 'oobDataOffset');
    expectFault(patched(at('perPacketInfoLength'), 61), 'perPacketInfoLength');
    expectFault(patched(at('perPacketInfoOffset'), 4, patched(at('perPacketInfoLength'), 8)), 'perPacketInfoOffset');
  });

  it('refuses a region outside the view with a RangeError: that is the caller’s mistake', () => {
    expect(() => checkRndisPacket(view(packet()), 1, 104, newFrame())).toThrow(RangeError);
    expect(() => checkRndisPacket(view(packet()), -1, 10, newFrame())).toThrow(RangeError);
  });
});

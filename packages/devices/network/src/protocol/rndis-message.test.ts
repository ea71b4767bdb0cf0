import { describe, expect, it } from 'vitest';
import { expectGolden, expectProtocolError, hex, toHex } from '@tsvisor/wire/testing';
import {
  RNDIS_COMPLETION,
  RNDIS_DF_CONNECTIONLESS,
  RNDIS_MEDIUM_802_3,
  RndisMessageType,
  RndisStatus,
} from './rndis-message-type.js';
import {
  MAC_ADDRESS_SIZE,
  NdisMediaState,
  NdisPacketFilter,
  RndisOid,
  oidU32,
  readOidMacAddress,
  readOidU32,
} from './rndis-oid.js';
import { RNDIS_HEADER_SIZE, RndisMessageHeader } from './rndis-header.js';
import {
  RndisHaltRequest,
  RndisIndicateStatus,
  RndisInitializeComplete,
  RndisInitializeRequest,
  RndisKeepaliveComplete,
  RndisKeepaliveRequest,
  RndisQueryComplete,
  RndisQueryRequest,
  RndisResetComplete,
  RndisResetRequest,
  RndisSetComplete,
  RndisSetRequest,
  encodeRndisMessage,
  readRndisMessage,
  type RndisMessage,
} from './rndis-message.js';

const MAC = hex('00 15 5d 01 02 03');

/** Each control message with its bytes, written by hand from `struct rndis_*`. */
const GOLDEN: Array<[name: string, message: RndisMessage, wire: string]> = [
  [
    'INITIALIZE',
    {
      type: RndisMessageType.INITIALIZE,
      requestId: 1,
      majorVersion: 1,
      minorVersion: 0,
      maxTransferSize: 0x4000,
    },
    // type 2     length 24    request 1    major 1      minor 0      max transfer 16 KiB
    '02 00 00 00  18 00 00 00  01 00 00 00  01 00 00 00  00 00 00 00  00 40 00 00',
  ],
  [
    'INITIALIZE_COMPLETE',
    {
      type: RndisMessageType.INITIALIZE_COMPLETE,
      requestId: 1,
      status: RndisStatus.SUCCESS,
      majorVersion: 1,
      minorVersion: 0,
      deviceFlags: RNDIS_DF_CONNECTIONLESS,
      medium: RNDIS_MEDIUM_802_3,
      maxPacketsPerMessage: 8,
      maxTransferSize: 0x4000,
      packetAlignmentFactor: 3,
      afListOffset: 0,
      afListSize: 0,
    },
    // type 0x80000002  length 52  request 1  status 0  major 1    minor 0
    '02 00 00 80  34 00 00 00  01 00 00 00  00 00 00 00  01 00 00 00  00 00 00 00' +
      // flags 1     medium 802.3 8 packets    16 KiB       align 2^3    af list 0/0
      '01 00 00 00  00 00 00 00  08 00 00 00  00 40 00 00  03 00 00 00  00 00 00 00  00 00 00 00',
  ],
  [
    'HALT',
    { type: RndisMessageType.HALT, requestId: 5 },
    // type 3     length 12    request 5
    '03 00 00 00  0c 00 00 00  05 00 00 00',
  ],
  [
    'QUERY of the permanent address, with no input',
    {
      type: RndisMessageType.QUERY,
      requestId: 2,
      oid: RndisOid.PERMANENT_ADDRESS_802_3,
      information: new Uint8Array(0),
      deviceVcHandle: 0,
    },
    // type 4     length 28    request 2    OID          length 0     offset 20 (the body's size, as Linux sends it)  vc 0
    '04 00 00 00  1c 00 00 00  02 00 00 00  01 01 01 01  00 00 00 00  14 00 00 00  00 00 00 00',
  ],
  [
    'QUERY_COMPLETE with the MAC address',
    {
      type: RndisMessageType.QUERY_COMPLETE,
      requestId: 2,
      status: RndisStatus.SUCCESS,
      information: MAC,
    },
    // type 0x80000004  length 30  request 2  status 0   length 6     offset 16 (from the request id)  the MAC
    '04 00 00 80  1e 00 00 00  02 00 00 00  00 00 00 00  06 00 00 00  10 00 00 00  00 15 5d 01 02 03',
  ],
  [
    'SET of the packet filter',
    {
      type: RndisMessageType.SET,
      requestId: 3,
      oid: RndisOid.GEN_CURRENT_PACKET_FILTER,
      information: oidU32(NdisPacketFilter.DIRECTED | NdisPacketFilter.MULTICAST | NdisPacketFilter.BROADCAST),
      deviceVcHandle: 0,
    },
    // type 5     length 32    request 3    OID          length 4     offset 20    vc 0         filter 0x0b
    '05 00 00 00  20 00 00 00  03 00 00 00  0e 01 01 00  04 00 00 00  14 00 00 00  00 00 00 00  0b 00 00 00',
  ],
  [
    'SET_COMPLETE',
    {
      type: RndisMessageType.SET_COMPLETE,
      requestId: 3,
      status: RndisStatus.SUCCESS,
    },
    // type 0x80000005  length 16  request 3  status 0
    '05 00 00 80  10 00 00 00  03 00 00 00  00 00 00 00',
  ],
  [
    'RESET',
    { type: RndisMessageType.RESET },
    // type 6     length 12    reserved
    '06 00 00 00  0c 00 00 00  00 00 00 00',
  ],
  [
    'RESET_COMPLETE',
    {
      type: RndisMessageType.RESET_COMPLETE,
      status: RndisStatus.SUCCESS,
      addressingReset: 1,
    },
    // type 0x80000006  length 16  status 0   addressing reset
    '06 00 00 80  10 00 00 00  00 00 00 00  01 00 00 00',
  ],
  [
    'INDICATE_STATUS media connect',
    {
      type: RndisMessageType.INDICATE_STATUS,
      status: RndisStatus.MEDIA_CONNECT,
      statusBuffer: new Uint8Array(0),
    },
    // type 7     length 20    0x4001000b   length 0     offset 12
    '07 00 00 00  14 00 00 00  0b 00 01 40  00 00 00 00  0c 00 00 00',
  ],
  [
    'KEEPALIVE',
    { type: RndisMessageType.KEEPALIVE, requestId: 4 },
    // type 8     length 12    request 4
    '08 00 00 00  0c 00 00 00  04 00 00 00',
  ],
  [
    'KEEPALIVE_COMPLETE',
    {
      type: RndisMessageType.KEEPALIVE_COMPLETE,
      requestId: 4,
      status: RndisStatus.SUCCESS,
    },
    // type 0x80000008  length 16  request 4  status 0
    '08 00 00 80  10 00 00 00  04 00 00 00  00 00 00 00',
  ],
];

describe('RNDIS codes and OIDs (PROTOCOLS.md §4)', () => {
  it('has the message types of the RNDIS specification, completions with bit 31 set', () => {
    expect(RndisMessageType).toEqual({
      PACKET: 1,
      INITIALIZE: 2,
      HALT: 3,
      QUERY: 4,
      SET: 5,
      RESET: 6,
      INDICATE_STATUS: 7,
      KEEPALIVE: 8,
      INITIALIZE_COMPLETE: RNDIS_COMPLETION + 2,
      QUERY_COMPLETE: RNDIS_COMPLETION + 4,
      SET_COMPLETE: RNDIS_COMPLETION + 5,
      RESET_COMPLETE: RNDIS_COMPLETION + 6,
      KEEPALIVE_COMPLETE: RNDIS_COMPLETION + 8,
    });
    expect(RNDIS_COMPLETION).toBe(0x80000000);
  });

  it('has the status codes and OIDs of the Linux driver', () => {
    expect(RndisStatus).toMatchObject({
      SUCCESS: 0,
      MEDIA_CONNECT: 0x4001000b,
      MEDIA_DISCONNECT: 0x4001000c,
      FAILURE: 0xc0000001,
    });
    expect(RndisOid).toMatchObject({
      CURRENT_ADDRESS_802_3: 0x01010102,
      PERMANENT_ADDRESS_802_3: 0x01010101,
      GEN_MAXIMUM_FRAME_SIZE: 0x00010106,
      GEN_LINK_SPEED: 0x00010107,
      GEN_MEDIA_CONNECT_STATUS: 0x00010114,
      GEN_CURRENT_PACKET_FILTER: 0x0001010e,
      GEN_MAXIMUM_TOTAL_SIZE: 0x00010111,
    });
    expect(NdisPacketFilter).toEqual({
      DIRECTED: 1,
      MULTICAST: 2,
      ALL_MULTICAST: 4,
      BROADCAST: 8,
      PROMISCUOUS: 0x20,
    });
    expect(NdisMediaState).toEqual({ CONNECTED: 0, DISCONNECTED: 1 });
  });
});

describe('RNDIS control messages', () => {
  it('every layout is the header and the fixed body of its struct', () => {
    expect(RNDIS_HEADER_SIZE).toBe(8);
    const sizes = [
      RndisMessageHeader,
      RndisInitializeRequest,
      RndisInitializeComplete,
      RndisHaltRequest,
      RndisQueryRequest,
      RndisQueryComplete,
      RndisSetRequest,
      RndisSetComplete,
      RndisResetRequest,
      RndisResetComplete,
      RndisIndicateStatus,
      RndisKeepaliveRequest,
      RndisKeepaliveComplete,
    ].map((layout) => layout.size);
    expect(sizes).toEqual([8, 24, 52, 12, 28, 24, 28, 16, 12, 16, 20, 12, 16]);
  });

  it('the header layout: golden bytes', () => {
    expectGolden(RndisMessageHeader, { type: RndisMessageType.KEEPALIVE, length: 12 }, '08 00 00 00  0c 00 00 00');
  });

  for (const [name, message, wire] of GOLDEN) {
    it(`${name}: golden bytes, both ways`, () => {
      expect(toHex(encodeRndisMessage(message))).toBe(toHex(hex(wire)));
      expect(readRndisMessage(hex(wire))).toEqual(message);
    });
  }

  it('ignores bytes after the message, and copies the variable part out of them', () => {
    const bytes = hex(GOLDEN[4]![2] + ' ff ff ff ff');
    const message = readRndisMessage(bytes);
    expect(message).toEqual(GOLDEN[4]![1]);
    bytes.fill(0);
    expect(message).toMatchObject({ information: MAC });
  });

  it('finds an information buffer wherever its offset says, counted from the request id', () => {
    // QUERY_COMPLETE, length 34: the MAC 4 bytes after the fixed body, at offset 20.
    const wire = hex(
      '04 00 00 80  22 00 00 00  02 00 00 00  00 00 00 00  06 00 00 00  14 00 00 00  ee ee ee ee  00 15 5d 01 02 03'
    );
    expect(readRndisMessage(wire)).toEqual(GOLDEN[4]![1]);
  });

  it('accepts any offset for an empty variable part, as Windows and Linux differ there', () => {
    const wire = hex(GOLDEN[9]![2]);
    wire[16] = 0; // status buffer offset 0
    expect(readRndisMessage(wire)).toEqual(GOLDEN[9]![1]);
  });
});

describe('hostile RNDIS control messages', () => {
  const query = () => hex(GOLDEN[4]![2]);
  const set = (bytes: Uint8Array, at: number, value: number) => {
    new DataView(bytes.buffer).setUint32(at, value, true);
    return bytes;
  };

  it('names the header fields of a truncated header or an unknown type', () => {
    expectProtocolError(() => readRndisMessage(hex('04 00 00 80  1e 00')), {
      layout: 'RndisMessageHeader',
      path: 'length',
      offset: 4,
    });
    expectProtocolError(() => readRndisMessage(hex('09 00 00 00  0c 00 00 00  00 00 00 00')), {
      layout: 'RndisMessageHeader',
      path: 'type',
      offset: 0,
    });
    expectProtocolError(() => readRndisMessage(hex('01 00 00 80  0c 00 00 00  00 00 00 00')), {
      layout: 'RndisMessageHeader',
      path: 'type',
    });
  });

  it('names the length when it is shorter than the fixed part or longer than the bytes given', () => {
    expectProtocolError(() => readRndisMessage(set(query(), 4, 20)), {
      layout: 'RndisQueryComplete',
      path: 'length',
      offset: 4,
    });
    expectProtocolError(() => readRndisMessage(set(query(), 4, 31)), {
      layout: 'RndisQueryComplete',
      path: 'length',
      offset: 4,
    });
    expectProtocolError(() => readRndisMessage(query().subarray(0, 20)), {
      layout: 'RndisQueryComplete',
      path: 'length',
    });
    expectProtocolError(() => readRndisMessage(set(query(), 4, 0xffffffff)), {
      layout: 'RndisQueryComplete',
      path: 'length',
    });
  });

  it('names the offset when the information buffer overlaps the fixed part or starts past the end', () => {
    for (const offset of [0, 8, 15, 23, 0xffffffff]) {
      expectProtocolError(() => readRndisMessage(set(query(), 20, offset)), {
        layout: 'RndisQueryComplete',
        path: 'informationBufferOffset',
        offset: 20,
      });
    }
  });

  it('names the length when the information buffer runs past the end of the message', () => {
    for (const length of [7, 0xffffffff]) {
      expectProtocolError(() => readRndisMessage(set(query(), 16, length)), {
        layout: 'RndisQueryComplete',
        path: 'informationBufferLength',
        offset: 16,
      });
    }
    // The message says 28 bytes, though more follow: the buffer may not run into them.
    expectProtocolError(() => readRndisMessage(set(query(), 4, 28)), {
      layout: 'RndisQueryComplete',
      path: 'informationBufferLength',
    });
  });

  it('checks the buffers of QUERY, SET and INDICATE_STATUS alike', () => {
    expectProtocolError(() => readRndisMessage(set(hex(GOLDEN[3]![2]), 16, 1)), {
      layout: 'RndisQueryRequest',
      path: 'informationBufferLength',
      offset: 16,
    });
    expectProtocolError(() => readRndisMessage(set(hex(GOLDEN[5]![2]), 20, 12)), {
      layout: 'RndisSetRequest',
      path: 'informationBufferOffset',
      offset: 20,
    });
    expectProtocolError(() => readRndisMessage(set(hex(GOLDEN[9]![2]), 12, 4)), {
      layout: 'RndisIndicateStatus',
      path: 'statusBufferLength',
      offset: 12,
    });
  });
});

describe('OID values', () => {
  it('reads and writes u32 values and MAC addresses, checking their size', () => {
    expect(toHex(oidU32(1500))).toBe('dc 05 00 00');
    expect(readOidU32(oidU32(0xfffffffe), RndisOid.GEN_LINK_SPEED)).toBe(0xfffffffe);
    expect(readOidU32(hex('ff 01 00 00 00').subarray(1), RndisOid.GEN_MEDIA_CONNECT_STATUS)).toBe(1);
    expect(readOidMacAddress(MAC, RndisOid.CURRENT_ADDRESS_802_3)).toEqual(MAC);
    expect(MAC_ADDRESS_SIZE).toBe(6);
    expectProtocolError(() => readOidU32(hex('00 00'), RndisOid.GEN_MAXIMUM_FRAME_SIZE), {
      layout: 'RndisInformationBuffer',
      path: 'information',
    });
    expectProtocolError(() => readOidMacAddress(hex('00 15 5d 01 02 03 04'), RndisOid.PERMANENT_ADDRESS_802_3), {
      layout: 'RndisInformationBuffer',
      path: 'information',
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { Infer } from '@tsvisor/wire';
import { expectGolden, expectProtocolError, hex, toHex, zeros } from '@tsvisor/wire/testing';
import {
  NdisConfigCapability,
  NvspChannelType,
  NvspMessageType,
  NvspStatus,
  NvspSubchannelOperation,
} from './nvsp-message-type.js';
import {
  NDIS_VERSION_6_1,
  NDIS_VERSION_6_30,
  NVSP_GUEST_VERSIONS,
  NvspVersion,
  ndisVersionFor,
} from './nvsp-version.js';
import {
  NVSP_RECEIVE_BUFFER_ID,
  NVSP_SEND_BUFFER_ID,
  NVSP_SEND_SECTION_INDEX_NONE,
  NvspReceiveBufferSection,
} from './nvsp-buffer.js';
import {
  NVSP_MESSAGE_SIZE,
  NvspInit,
  NvspInitComplete,
  NvspRevokeReceiveBuffer,
  NvspRevokeSendBuffer,
  NvspSendIndirectionTable,
  NvspSendNdisConfig,
  NvspSendNdisVersion,
  NvspSendReceiveBuffer,
  NvspSendReceiveBufferComplete,
  NvspSendRndisPacket,
  NvspSendRndisPacketComplete,
  NvspSendSendBuffer,
  NvspSendSendBufferComplete,
  NvspSubchannelComplete,
  NvspSubchannelRequest,
  encodeNvspMessage,
  readNvspMessage,
  writeNvspMessage,
  type NvspGuestMessage,
  type NvspHostMessage,
  type NvspSendIndirectionTableMessage,
} from './nvsp-message.js';

/** The send indirection table of a guest with 4 channels: bucket i on channel i % 4. */
const TABLE = Array.from({ length: 16 }, (_, bucket) => bucket % 4);
const TABLE_HEX = '00 00 00 00  01 00 00 00  02 00 00 00  03 00 00 00'.repeat(4);

const init: Infer<typeof NvspInit> = {
  type: NvspMessageType.INIT,
  minProtocolVersion: NvspVersion.V61,
  maxProtocolVersion: NvspVersion.V61,
};
const ndisVersion: Infer<typeof NvspSendNdisVersion> = {
  type: NvspMessageType.SEND_NDIS_VERSION,
  ndisMajorVersion: 6,
  ndisMinorVersion: 30,
};
const sendReceiveBuffer: Infer<typeof NvspSendReceiveBuffer> = {
  type: NvspMessageType.SEND_RECEIVE_BUFFER,
  gpadlHandle: 0x1234,
  id: NVSP_RECEIVE_BUFFER_ID,
};
const revokeReceiveBuffer: Infer<typeof NvspRevokeReceiveBuffer> = {
  type: NvspMessageType.REVOKE_RECEIVE_BUFFER,
  id: NVSP_RECEIVE_BUFFER_ID,
};
const sendSendBuffer: Infer<typeof NvspSendSendBuffer> = {
  type: NvspMessageType.SEND_SEND_BUFFER,
  gpadlHandle: 0x1235,
  id: NVSP_SEND_BUFFER_ID,
};
const revokeSendBuffer: Infer<typeof NvspRevokeSendBuffer> = {
  type: NvspMessageType.REVOKE_SEND_BUFFER,
  id: NVSP_SEND_BUFFER_ID,
};
const ndisConfig: Infer<typeof NvspSendNdisConfig> = {
  type: NvspMessageType.SEND_NDIS_CONFIG,
  mtu: 1500,
  capabilities: NdisConfigCapability.IEEE_8021Q | NdisConfigCapability.TEAMING,
};
const subchannelRequest: Infer<typeof NvspSubchannelRequest> = {
  type: NvspMessageType.SUBCHANNEL,
  operation: NvspSubchannelOperation.ALLOCATE,
  numSubchannels: 3,
};
const rndisPacketInSection: Infer<typeof NvspSendRndisPacket> = {
  type: NvspMessageType.SEND_RNDIS_PACKET,
  channelType: NvspChannelType.DATA,
  sendBufferSectionIndex: 3,
  sendBufferSectionSize: 1558,
};
const rndisPacketComplete: Infer<typeof NvspSendRndisPacketComplete> = {
  type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE,
  status: NvspStatus.SUCCESS,
};

const guestMessages: NvspGuestMessage[] = [
  init,
  ndisVersion,
  sendReceiveBuffer,
  revokeReceiveBuffer,
  sendSendBuffer,
  revokeSendBuffer,
  ndisConfig,
  subchannelRequest,
  rndisPacketInSection,
  rndisPacketComplete,
];

const initComplete: Infer<typeof NvspInitComplete> = {
  type: NvspMessageType.INIT_COMPLETE,
  negotiatedProtocolVersion: 0,
  maxMdlChainLength: 34,
  status: NvspStatus.SUCCESS,
};
const receiveBufferComplete: Infer<typeof NvspSendReceiveBufferComplete> = {
  type: NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE,
  status: NvspStatus.SUCCESS,
  numSections: 1,
  section: {
    offset: 0,
    subAllocationSize: 1728,
    numSubAllocations: 9709,
    endOffset: 9709 * 1728,
  },
};
const sendBufferComplete: Infer<typeof NvspSendSendBufferComplete> = {
  type: NvspMessageType.SEND_SEND_BUFFER_COMPLETE,
  status: NvspStatus.SUCCESS,
  sectionSize: 6144,
};
const subchannelComplete: Infer<typeof NvspSubchannelComplete> = {
  type: NvspMessageType.SUBCHANNEL,
  status: NvspStatus.SUCCESS,
  numSubchannels: 3,
};
const indirectionTable: NvspSendIndirectionTableMessage = {
  type: NvspMessageType.SEND_INDIRECTION_TABLE,
  table: TABLE,
};
const controlPacket: Infer<typeof NvspSendRndisPacket> = {
  type: NvspMessageType.SEND_RNDIS_PACKET,
  channelType: NvspChannelType.CONTROL,
  sendBufferSectionIndex: NVSP_SEND_SECTION_INDEX_NONE,
  sendBufferSectionSize: 0,
};
const invalidPacketComplete: Infer<typeof NvspSendRndisPacketComplete> = {
  type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE,
  status: NvspStatus.INVALID_RNDIS_PACKET,
};

const hostMessages: NvspHostMessage[] = [
  initComplete,
  receiveBufferComplete,
  sendBufferComplete,
  subchannelComplete,
  indirectionTable,
  controlPacket,
  invalidPacketComplete,
];

describe('NVSP codes and versions (PROTOCOLS.md §4)', () => {
  it('has the message types, status codes and versions of the Linux driver', () => {
    expect(NvspMessageType).toEqual({
      INIT: 1,
      INIT_COMPLETE: 2,
      SEND_NDIS_VERSION: 100,
      SEND_RECEIVE_BUFFER: 101,
      SEND_RECEIVE_BUFFER_COMPLETE: 102,
      REVOKE_RECEIVE_BUFFER: 103,
      SEND_SEND_BUFFER: 104,
      SEND_SEND_BUFFER_COMPLETE: 105,
      REVOKE_SEND_BUFFER: 106,
      SEND_RNDIS_PACKET: 107,
      SEND_RNDIS_PACKET_COMPLETE: 108,
      SEND_NDIS_CONFIG: 125,
      SUBCHANNEL: 133,
      SEND_INDIRECTION_TABLE: 134,
    });
    expect([NvspStatus.SUCCESS, NvspStatus.FAILURE, NvspStatus.INVALID_RNDIS_PACKET]).toEqual([1, 2, 5]);
    expect(NVSP_GUEST_VERSIONS).toEqual([0x60001, 0x60000, 0x50000, 0x40000, 0x30002, 0x2]);
    expect([NVSP_RECEIVE_BUFFER_ID, NVSP_SEND_BUFFER_ID, NVSP_SEND_SECTION_INDEX_NONE]).toEqual([
      0xcafe, 0, 0xffffffff,
    ]);
  });

  it('announces NDIS 6.1 up to NVSP 4 and NDIS 6.30 from NVSP 5 on', () => {
    expect(ndisVersionFor(NvspVersion.V2)).toBe(NDIS_VERSION_6_1);
    expect(ndisVersionFor(NvspVersion.V4)).toBe(NDIS_VERSION_6_1);
    expect(ndisVersionFor(NvspVersion.V5)).toBe(NDIS_VERSION_6_30);
    expect(ndisVersionFor(NvspVersion.V61)).toEqual({ major: 6, minor: 30 });
  });
});

describe('NVSP message layouts: the type and the packed body, as the least a peer must send', () => {
  it('INIT and INIT_COMPLETE', () => {
    // type 1      min 6.1      max 6.1
    expectGolden(NvspInit, init, '01 00 00 00  01 00 06 00  01 00 06 00');
    // type 2      negotiated   max MDL chain 34  status SUCCESS
    expectGolden(NvspInitComplete, initComplete, '02 00 00 00  00 00 00 00  22 00 00 00  01 00 00 00');
  });

  it('SEND_NDIS_VERSION, SEND_NDIS_CONFIG', () => {
    // type 100    major 6      minor 30
    expectGolden(NvspSendNdisVersion, ndisVersion, '64 00 00 00  06 00 00 00  1e 00 00 00');
    // type 125    mtu 1500     reserved     capabilities: ieee8021q (bit 3) | teaming (bit 5)
    expectGolden(NvspSendNdisConfig, ndisConfig, '7d 00 00 00  dc 05 00 00  00 00 00 00  28 00 00 00 00 00 00 00');
  });

  it('the receive buffer: SEND, COMPLETE with its one section, REVOKE', () => {
    // type 101    gpadl 0x1234 id 0xcafe
    expectGolden(NvspSendReceiveBuffer, sendReceiveBuffer, '65 00 00 00  34 12 00 00  fe ca');
    expectGolden(
      NvspSendReceiveBufferComplete,
      receiveBufferComplete,
      // type 102  status 1      sections 1   offset 0     slot 1728    9709 slots   end 0xffffc0
      '66 00 00 00  01 00 00 00  01 00 00 00  00 00 00 00  c0 06 00 00  ed 25 00 00  c0 ff ff 00'
    );
    expect(NvspReceiveBufferSection.size).toBe(16);
    // type 103    id 0xcafe
    expectGolden(NvspRevokeReceiveBuffer, revokeReceiveBuffer, '67 00 00 00  fe ca');
  });

  it('the send buffer: SEND, COMPLETE with the section size, REVOKE', () => {
    // type 104    gpadl 0x1235 id 0
    expectGolden(NvspSendSendBuffer, sendSendBuffer, '68 00 00 00  35 12 00 00  00 00');
    // type 105    status 1     section size 6144
    expectGolden(NvspSendSendBufferComplete, sendBufferComplete, '69 00 00 00  01 00 00 00  00 18 00 00');
    // type 106    id 0
    expectGolden(NvspRevokeSendBuffer, revokeSendBuffer, '6a 00 00 00  00 00');
  });

  it('SEND_RNDIS_PACKET in a section or outside the send buffer, and its completion', () => {
    // type 107    data channel section 3      1558 bytes
    expectGolden(NvspSendRndisPacket, rndisPacketInSection, '6b 00 00 00  00 00 00 00  03 00 00 00  16 06 00 00');
    // type 107    control      no section   size 0
    expectGolden(NvspSendRndisPacket, controlPacket, '6b 00 00 00  01 00 00 00  ff ff ff ff  00 00 00 00');
    // type 108    status INVALID_RNDIS_PACKET
    expectGolden(NvspSendRndisPacketComplete, invalidPacketComplete, '6c 00 00 00  05 00 00 00');
  });

  it('SUBCHANNEL: request and completion have the same bytes, told apart by who sent them', () => {
    // type 133    ALLOCATE / SUCCESS, then 3 sub-channels
    const wire = '85 00 00 00  01 00 00 00  03 00 00 00';
    expectGolden(NvspSubchannelRequest, subchannelRequest, wire);
    expectGolden(NvspSubchannelComplete, subchannelComplete, wire);
    expect(readNvspMessage(hex(wire), 'guest')).toEqual(subchannelRequest);
    expect(readNvspMessage(hex(wire), 'host')).toEqual(subchannelComplete);
  });
});

describe('encodeNvspMessage / readNvspMessage', () => {
  it('sends every message padded to the 40-byte NVSP 6.1 union, as Linux does', () => {
    expect(NVSP_MESSAGE_SIZE).toBe(40);
    expect(toHex(encodeNvspMessage(init))).toBe(toHex(hex('01 00 00 00  01 00 06 00  01 00 06 00' + zeros(28))));
    for (const message of [...guestMessages, ...hostMessages]) {
      if (message.type !== NvspMessageType.SEND_INDIRECTION_TABLE) expect(encodeNvspMessage(message)).toHaveLength(40);
    }
  });

  it('puts the send indirection table right after the 40-byte message', () => {
    const wire = encodeNvspMessage(indirectionTable);
    // type 134    16 entries   offset 40, padding to 40, then the table
    expect(toHex(wire)).toBe(toHex(hex('86 00 00 00  10 00 00 00  28 00 00 00' + zeros(28) + TABLE_HEX)));
    expect(NvspSendIndirectionTable.size).toBe(12);
  });

  it('reads back every message it writes, from each side', () => {
    for (const message of guestMessages) expect(readNvspMessage(encodeNvspMessage(message), 'guest')).toEqual(message);
    for (const message of hostMessages) expect(readNvspMessage(encodeNvspMessage(message), 'host')).toEqual(message);
  });

  it('accepts 28-byte Windows messages and bodies with no padding at all', () => {
    const complete = hex('66 00 00 00  01 00 00 00  01 00 00 00  00 00 00 00  c0 06 00 00  ed 25 00 00  c0 ff ff 00');
    expect(complete).toHaveLength(28);
    expect(readNvspMessage(complete, 'host')).toEqual(receiveBufferComplete);
    expect(readNvspMessage(hex('67 00 00 00  fe ca'), 'guest')).toEqual(revokeReceiveBuffer);
  });

  it('reads a table wherever its offset says, if the table fits in the message', () => {
    const wire = hex('86 00 00 00  10 00 00 00  0c 00 00 00' + TABLE_HEX);
    expect(readNvspMessage(wire, 'host')).toEqual(indirectionTable);
  });

  it('writes in place at an offset and reports the bytes written', () => {
    const view = new DataView(new ArrayBuffer(200));
    new Uint8Array(view.buffer).fill(0xee);
    expect(writeNvspMessage(view, 8, sendReceiveBuffer)).toBe(40);
    expect(toHex(new Uint8Array(view.buffer, 8, 40))).toBe(toHex(hex('65 00 00 00  34 12 00 00  fe ca' + zeros(30))));
    expect(writeNvspMessage(view, 48, indirectionTable)).toBe(104);
    expect(() => writeNvspMessage(view, 161, init)).toThrow(RangeError);
  });
});

describe('hostile NVSP messages', () => {
  it('names the type when it is unknown, or one the sender never sends', () => {
    expectProtocolError(() => readNvspMessage(hex('00 00 00 00' + zeros(36)), 'guest'), {
      layout: 'NvspMessageHeader',
      path: 'type',
      offset: 0,
    });
    expectProtocolError(() => readNvspMessage(hex('87 00 00 00' + zeros(36)), 'host'), {
      layout: 'NvspMessageHeader',
      path: 'type',
      offset: 0,
    });
    expectProtocolError(() => readNvspMessage(encodeNvspMessage(initComplete), 'guest'), {
      layout: 'NvspMessageHeader',
      path: 'type',
    });
    expectProtocolError(() => readNvspMessage(encodeNvspMessage(init), 'host'), {
      layout: 'NvspMessageHeader',
      path: 'type',
    });
    expectProtocolError(() => readNvspMessage(hex('86 00 00 00' + zeros(36)), 'guest'), {
      layout: 'NvspMessageHeader',
      path: 'type',
    });
  });

  it('names the first field a truncated message lacks', () => {
    expectProtocolError(() => readNvspMessage(hex('01 00'), 'guest'), {
      layout: 'NvspMessageHeader',
      path: 'type',
    });
    expectProtocolError(() => readNvspMessage(hex('01 00 00 00  01 00 06 00'), 'guest'), {
      layout: 'NvspInit',
      path: 'maxProtocolVersion',
      offset: 8,
    });
    expectProtocolError(() => readNvspMessage(hex('65 00 00 00  34 12 00 00  fe'), 'guest'), {
      layout: 'NvspSendReceiveBuffer',
      path: 'id',
      offset: 8,
    });
    expectProtocolError(() => readNvspMessage(hex('66 00 00 00  01 00 00 00  01 00 00 00  00 00 00 00'), 'host'), {
      layout: 'NvspSendReceiveBufferComplete',
      path: 'section.subAllocationSize',
      offset: 16,
    });
  });

  it('names a status, channel type, section count or operation NVSP does not define', () => {
    expectProtocolError(() => readNvspMessage(hex('6c 00 00 00  08 00 00 00'), 'guest'), {
      layout: 'NvspSendRndisPacketComplete',
      path: 'status',
      offset: 4,
    });
    expectProtocolError(() => readNvspMessage(hex('6b 00 00 00  02 00 00 00  ff ff ff ff  00 00 00 00'), 'guest'), {
      layout: 'NvspSendRndisPacket',
      path: 'channelType',
      offset: 4,
    });
    const twoSections = encodeNvspMessage(receiveBufferComplete);
    twoSections[8] = 2;
    expectProtocolError(() => readNvspMessage(twoSections, 'host'), {
      layout: 'NvspSendReceiveBufferComplete',
      path: 'numSections',
      offset: 8,
    });
    expectProtocolError(() => readNvspMessage(hex('85 00 00 00  02 00 00 00  03 00 00 00'), 'guest'), {
      layout: 'NvspSubchannelRequest',
      path: 'operation',
      offset: 4,
    });
  });

  it('names the indirection table count or offset when the table is not 16 entries inside the message', () => {
    const wire = encodeNvspMessage(indirectionTable);
    const withByte = (at: number, value: number) => {
      const bytes = wire.slice();
      bytes[at] = value;
      return bytes;
    };
    expectProtocolError(() => readNvspMessage(withByte(4, 15), 'host'), {
      layout: 'NvspSendIndirectionTable',
      path: 'tableEntryCount',
      offset: 4,
    });
    // An offset into the fixed part, past the end, or leaving too little room for the table.
    for (const offset of [0, 8, 41, 0xff]) {
      expectProtocolError(() => readNvspMessage(withByte(8, offset), 'host'), {
        layout: 'NvspSendIndirectionTable',
        path: 'tableOffset',
        offset: 8,
      });
    }
    expectProtocolError(() => readNvspMessage(wire.subarray(0, 103), 'host'), {
      layout: 'NvspSendIndirectionTable',
      path: 'tableOffset',
    });
    const huge = wire.slice();
    new DataView(huge.buffer).setUint32(8, 0xffff_fff0, true);
    expectProtocolError(() => readNvspMessage(huge, 'host'), {
      layout: 'NvspSendIndirectionTable',
      path: 'tableOffset',
    });
  });

  it('refuses to encode values that do not fit their fields', () => {
    expectProtocolError(
      () =>
        encodeNvspMessage({
          type: NvspMessageType.SEND_INDIRECTION_TABLE,
          table: [0, 1],
        }),
      {
        layout: 'NvspIndirectionTable',
        path: 'entries',
      }
    );
    expectProtocolError(
      () =>
        encodeNvspMessage({
          type: NvspMessageType.SEND_RNDIS_PACKET_COMPLETE,
          status: 9 as never,
        }),
      {
        layout: 'NvspSendRndisPacketComplete',
        path: 'status',
      }
    );
    expectProtocolError(() => encodeNvspMessage({ type: 99 } as never), {
      layout: 'NvspMessageHeader',
      path: 'type',
    });
  });
});

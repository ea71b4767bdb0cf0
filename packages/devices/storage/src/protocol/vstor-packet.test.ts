import { describe, expect, it } from 'vitest';
import { expectGolden, expectOnlyProtocolErrors, expectProtocolError, field, hex, zeros } from '@tsvisor/wire/testing';
import { VSTOR_FLAG_REQUEST_COMPLETION, VstorOperation, VstorStatus } from './vstor-operation.js';
import { VSTOR_GUEST_VERSIONS, VstorProtocolVersion, VstorVersion } from './vstor-version.js';
import { VSTOR_PROPERTY_MULTI_CHANNEL, VstorChannelProperties } from './vstor-channel-properties.js';
import { VmscsiDataDirection } from './vmscsi-data-direction.js';
import {
  VSTOR_PACKET_SIZE,
  vstorPacketLength,
  VstorPacket,
  VstorPacketHeader,
  VstorPropertiesPacket,
  VstorSrbPacket,
  VstorSubChannelPacket,
  VstorVersionPacket,
  checkVstorPacket,
} from './vstor-packet.js';

/** A WRITE(16) of one block at LBA 1 on LUN 0: the header, then the request. */
const SRB_PACKET_HEX =
  // operation    flags        status
  '03 00 00 00  01 00 00 00  00 00 00 00' +
  // length srb scsi port path target lun cdblen senselen data_in rsvd data_transfer_length
  '34 00  00  00   00   00   00     00  10     14       00      00   00 02 00 00' +
  // cdb (16) / sense (20)
  '8a 00 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00 00 00 00' +
  // rsvd tag act srb_flags   timeout      sort_key
  '00 00  00  00  88 00 00 00  3c 00 00 00  00 00 00 00';

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

describe('vstor_packet (PROTOCOLS.md §3)', () => {
  it('has the operation codes, flags, versions and status codes of the Linux driver', () => {
    expect(VstorOperation).toEqual({
      COMPLETE_IO: 1,
      REMOVE_DEVICE: 2,
      EXECUTE_SRB: 3,
      RESET_LUN: 4,
      RESET_ADAPTER: 5,
      RESET_BUS: 6,
      BEGIN_INITIALIZATION: 7,
      END_INITIALIZATION: 8,
      QUERY_PROTOCOL_VERSION: 9,
      QUERY_PROPERTIES: 10,
      ENUMERATE_BUS: 11,
      CREATE_SUB_CHANNELS: 13,
    });
    expect(VSTOR_FLAG_REQUEST_COMPLETION).toBe(1);
    expect(VSTOR_GUEST_VERSIONS).toEqual([0x0602, 0x0600, 0x0501, 0x0402, 0x0200]);
    expect(VstorStatus.REVISION_MISMATCH).toBe(0xc0000059);
    expect(VSTOR_PROPERTY_MULTI_CHANNEL).toBe(1);
  });

  it('every packet is 64 bytes: a 12-byte header and a 52-byte union', () => {
    expect(VstorPacketHeader.size).toBe(12);
    for (const layout of [VstorPacket, VstorSrbPacket, VstorVersionPacket, VstorPropertiesPacket, VstorSubChannelPacket]) {
      expect(layout.size).toBe(VSTOR_PACKET_SIZE);
    }
    expect(VstorSrbPacket.offsetOf('srb')).toBe(12);
    expect(VstorProtocolVersion.size).toBe(4);
    expect(VstorChannelProperties.size).toBe(24);
  });

  it('VstorPacket: golden bytes of BEGIN_INITIALIZATION', () => {
    expectGolden(
      VstorPacket,
      { operation: VstorOperation.BEGIN_INITIALIZATION, flags: VSTOR_FLAG_REQUEST_COMPLETION, status: 0 },
      '07 00 00 00  01 00 00 00  00 00 00 00' + zeros(52),
    );
  });

  it('VstorVersionPacket: golden bytes of a proposal of 6.2 and of a refusal', () => {
    expectGolden(
      VstorVersionPacket,
      {
        operation: VstorOperation.QUERY_PROTOCOL_VERSION,
        flags: VSTOR_FLAG_REQUEST_COMPLETION,
        status: 0,
        version: { majorMinor: VstorVersion.WIN10, revision: 0 },
      },
      '09 00 00 00  01 00 00 00  00 00 00 00  02 06 00 00' + zeros(48),
    );
    expectGolden(
      VstorVersionPacket,
      {
        operation: VstorOperation.COMPLETE_IO,
        flags: 0,
        status: VstorStatus.REVISION_MISMATCH,
        version: { majorMinor: VstorVersion.WIN7, revision: 0 },
      },
      '01 00 00 00  00 00 00 00  59 00 00 c0  02 04 00 00' + zeros(48),
    );
  });

  it('VstorPropertiesPacket: golden bytes of a QUERY_PROPERTIES completion', () => {
    expectGolden(
      VstorPropertiesPacket,
      {
        operation: VstorOperation.COMPLETE_IO,
        flags: 0,
        status: 0,
        properties: { maxChannelCount: 7, flags: VSTOR_PROPERTY_MULTI_CHANNEL, maxTransferBytes: 0x20_0000 },
      },
      // header                           rsvd         max_channel_cnt rsvd  flags        max_transfer rsvd
      '01 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00  07 00           00 00 01 00 00 00  00 00 20 00' +
        zeros(8) +
        zeros(28),
    );
  });

  it('VstorSubChannelPacket: golden bytes of CREATE_SUB_CHANNELS', () => {
    expectGolden(
      VstorSubChannelPacket,
      { operation: VstorOperation.CREATE_SUB_CHANNELS, flags: VSTOR_FLAG_REQUEST_COMPLETION, status: 0, subChannelCount: 3 },
      '0d 00 00 00  01 00 00 00  00 00 00 00  03 00' + zeros(50),
    );
  });

  it('VstorSrbPacket: golden bytes of EXECUTE_SRB', () => {
    expectGolden(
      VstorSrbPacket,
      {
        operation: VstorOperation.EXECUTE_SRB,
        flags: VSTOR_FLAG_REQUEST_COMPLETION,
        status: 0,
        srb: {
          length: 52,
          srbStatus: 0,
          scsiStatus: 0,
          portNumber: 0,
          pathId: 0,
          targetId: 0,
          lun: 0,
          cdbLength: 16,
          senseInfoLength: 20,
          dataIn: VmscsiDataDirection.WRITE,
          dataTransferLength: 512,
          cdbOrSense: field('8a 00 00 00 00 00 00 00 00 01 00 00 00 01', 20),
          queueTag: 0,
          queueAction: 0,
          srbFlags: 0x88,
          timeoutValue: 60,
          queueSortKey: 0,
        },
      },
      SRB_PACKET_HEX,
    );
    expect(checkVstorPacket(view(hex(SRB_PACKET_HEX)), 0)).toBe(VstorOperation.EXECUTE_SRB);
  });

  it('checks a packet in place and names the bad field as decoding does', () => {
    const cases: Array<[at: number, value: number, path: string, offset: number]> = [
      [0, 12, 'operation', 0],
      [0, 0, 'operation', 0],
      [3, 1, 'operation', 0],
      [4, 2, 'flags', 4],
      [12, 51, 'srb.length', 12],
      [20, 17, 'srb.cdbLength', 20],
      [21, 21, 'srb.senseInfoLength', 21],
      [22, 3, 'srb.dataIn', 22],
    ];
    for (const [at, value, path, offset] of cases) {
      const bytes = hex(SRB_PACKET_HEX);
      bytes[at] = value;
      const layout = path.startsWith('srb.') ? 'VstorSrbPacket' : 'VstorPacket';
      expectProtocolError(() => checkVstorPacket(view(bytes), 0), { layout, path, offset });
      expectProtocolError(() => VstorSrbPacket.decode(bytes), { layout: 'VstorSrbPacket', path, offset });
    }
    expectProtocolError(() => checkVstorPacket(view(hex(SRB_PACKET_HEX).subarray(0, 63)), 0), {
      layout: 'VstorPacket',
      path: 'payload',
    });
    expectProtocolError(() => checkVstorPacket(view(hex(SRB_PACKET_HEX)), 1), { layout: 'VstorPacket', path: 'payload' });
  });

  it('only EXECUTE_SRB packets have their union checked as a request', () => {
    const bytes = hex(SRB_PACKET_HEX);
    bytes[20] = 0xff;
    bytes[0] = VstorOperation.QUERY_PROPERTIES;
    expect(checkVstorPacket(view(bytes), 0)).toBe(VstorOperation.QUERY_PROPERTIES);
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([
      VstorPacketHeader,
      VstorPacket,
      VstorSrbPacket,
      VstorVersionPacket,
      VstorPropertiesPacket,
      VstorSubChannelPacket,
    ]);
  });

  it('sends the full 64-byte packet from 5.1 on and before a version is agreed, 16 bytes less before 5.1', () => {
    expect(vstorPacketLength(0)).toBe(VSTOR_PACKET_SIZE);
    expect(vstorPacketLength(VstorVersion.WIN8)).toBe(64);
    expect(vstorPacketLength(VstorVersion.WIN8_1)).toBe(64);
    expect(vstorPacketLength(0x0402)).toBe(48);
    expect(vstorPacketLength(0x0200)).toBe(48);
  });
});

import { describe, it, expect } from 'vitest';
import { ProtocolError } from '@tsvisor/wire';
import { expectGolden, expectOnlyProtocolErrors, hex } from '@tsvisor/wire/testing';
import {
  GpaDirectHeader,
  GpaRange,
  PACKET_FLAG_COMPLETION_REQUESTED,
  PacketDescriptor,
  PacketFooter,
  PacketType,
  PIPE_DATA,
  PIPE_MAX_PAYLOAD,
  PipeHeader,
  TransferPageHeader,
  TransferPageRange,
} from './packet-descriptor.js';

describe('packet layouts (PROTOCOLS.md §1)', () => {
  it('has the packet type codes', () => {
    expect(PacketType.DATA_INBAND).toBe(6);
    expect(PacketType.DATA_USING_TRANSFER_PAGES).toBe(7);
    expect(PacketType.DATA_USING_GPA_DIRECT).toBe(9);
    expect(PacketType.COMPLETION).toBe(0xb);
    expect(PACKET_FLAG_COMPLETION_REQUESTED).toBe(1);
    expect(PIPE_DATA).toBe(1);
    expect(PIPE_MAX_PAYLOAD).toBe(16384);
  });

  it('PacketDescriptor: golden bytes', () => {
    expectGolden(
      PacketDescriptor,
      { type: PacketType.DATA_INBAND, dataOffset8: 2, length8: 10, flags: 1, transactionId: 0x0102030405060708n },
      '06 00 02 00 0a 00 01 00 08 07 06 05 04 03 02 01',
    );
    expect(PacketDescriptor.offsetOf('transactionId')).toBe(8);
  });

  it('PacketDescriptor: any flag but bit 0 is a ProtocolError', () => {
    expect(() => PacketDescriptor.decode(hex('0b 00 02 00 02 00 02 00 00 00 00 00 00 00 00 00'))).toThrow(
      ProtocolError,
    );
  });

  it('PacketFooter: golden bytes', () => {
    expectGolden(PacketFooter, { packetStartIndex: 0x1238 }, '00 00 00 00 38 12 00 00');
  });

  it('GpaDirectHeader and GpaRange: golden bytes', () => {
    expectGolden(GpaDirectHeader, { rangeCount: 2 }, '00 00 00 00 02 00 00 00');
    expectGolden(GpaRange, { byteCount: 0x2000, byteOffset: 0x10 }, '00 20 00 00 10 00 00 00');
  });

  it('TransferPageHeader and TransferPageRange: golden bytes', () => {
    expectGolden(
      TransferPageHeader,
      { pagesetId: 0xcafe, senderOwnsSet: 1, rangeCount: 3 },
      'fe ca 01 00 03 00 00 00',
    );
    expectGolden(TransferPageRange, { byteCount: 0x5ea, byteOffset: 0x1000 }, 'ea 05 00 00 00 10 00 00');
  });

  it('PipeHeader: golden bytes', () => {
    expectGolden(PipeHeader, { type: PIPE_DATA, length: PIPE_MAX_PAYLOAD }, '01 00 00 00 00 40 00 00');
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([
      PacketDescriptor,
      PacketFooter,
      GpaDirectHeader,
      GpaRange,
      TransferPageHeader,
      TransferPageRange,
      PipeHeader,
    ]);
  });
});

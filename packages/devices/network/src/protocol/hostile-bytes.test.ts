import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expectOnlyProtocolErrors, onlyProtocolErrors } from '@tsvisor/wire/testing';
import type { Layout } from '@tsvisor/wire';
import { NvspChannelType, NvspMessageType, NvspStatus, NvspSubchannelOperation } from './nvsp-message-type.js';
import * as Nvsp from './nvsp-message.js';
import { NvspReceiveBufferSection } from './nvsp-buffer.js';
import { RndisMessageType, RndisStatus } from './rndis-message-type.js';
import { RndisOid } from './rndis-oid.js';
import { RndisMessageHeader } from './rndis-header.js';
import { RndisPacket, checkRndisPacket, type RndisFrame } from './rndis-packet.js';
import * as Rndis from './rndis-message.js';
import { encodeRndisMessage, readRndisMessage } from './rndis-message.js';

const frame: RndisFrame = {
  offset: 0,
  length: 0,
  perPacketInfoOffset: 0,
  perPacketInfoLength: 0,
  messageLength: 0,
};

/** Every reader of guest or host bytes in the protocol. */
const readers: ReadonlyArray<(bytes: Uint8Array) => unknown> = [
  (bytes) => Nvsp.readNvspMessage(bytes, 'guest'),
  (bytes) => Nvsp.readNvspMessage(bytes, 'host'),
  readRndisMessage,
  (bytes) => checkRndisPacket(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.length, frame),
];

/** Valid messages of both protocols: the seeds that mutations start from. */
function seeds(): Uint8Array[] {
  const info = Uint8Array.of(1, 2, 3, 4, 5, 6);
  return [
    Nvsp.encodeNvspMessage({
      type: NvspMessageType.INIT,
      minProtocolVersion: 0x60001,
      maxProtocolVersion: 0x60001,
    }),
    Nvsp.encodeNvspMessage({
      type: NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE,
      status: NvspStatus.SUCCESS,
      numSections: 1,
      section: {
        offset: 0,
        subAllocationSize: 1728,
        numSubAllocations: 10,
        endOffset: 17280,
      },
    }),
    Nvsp.encodeNvspMessage({
      type: NvspMessageType.SEND_RNDIS_PACKET,
      channelType: NvspChannelType.DATA,
      sendBufferSectionIndex: 1,
      sendBufferSectionSize: 100,
    }),
    Nvsp.encodeNvspMessage({
      type: NvspMessageType.SUBCHANNEL,
      operation: NvspSubchannelOperation.ALLOCATE,
      numSubchannels: 2,
    }),
    Nvsp.encodeNvspMessage({
      type: NvspMessageType.SEND_INDIRECTION_TABLE,
      table: Array.from({ length: 16 }, (_, index) => index % 2),
    }),
    encodeRndisMessage({
      type: RndisMessageType.PACKET,
      frame: new Uint8Array(60),
      perPacketInfo: new Uint8Array(16),
    }),
    encodeRndisMessage({
      type: RndisMessageType.QUERY,
      requestId: 1,
      oid: RndisOid.CURRENT_ADDRESS_802_3,
      information: info,
      deviceVcHandle: 0,
    }),
    encodeRndisMessage({
      type: RndisMessageType.QUERY_COMPLETE,
      requestId: 1,
      status: RndisStatus.SUCCESS,
      information: info,
    }),
    encodeRndisMessage({
      type: RndisMessageType.SET,
      requestId: 2,
      oid: RndisOid.GEN_CURRENT_PACKET_FILTER,
      information: info,
      deviceVcHandle: 0,
    }),
    encodeRndisMessage({
      type: RndisMessageType.INDICATE_STATUS,
      status: RndisStatus.MEDIA_CONNECT,
      statusBuffer: info,
    }),
    encodeRndisMessage({
      type: RndisMessageType.INITIALIZE,
      requestId: 1,
      majorVersion: 1,
      minorVersion: 0,
      maxTransferSize: 0x4000,
    }),
  ];
}

/** A seed with a few bytes overwritten (mostly in the fixed parts) and maybe cut short. */
const mutated: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.constantFrom(...seeds()),
    fc.array(fc.tuple(fc.nat({ max: 60 }), fc.constantFrom(0, 1, 2, 4, 8, 12, 16, 36, 40, 44, 0x7f, 0x80, 0xff)), {
      minLength: 1,
      maxLength: 6,
    }),
    fc.option(fc.nat({ max: 120 }), { nil: undefined })
  )
  .map(([seed, edits, cut]) => {
    const bytes = seed.slice(0, cut === undefined ? seed.length : Math.min(cut, seed.length));
    for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
    return bytes;
  });

/** Every layout of the protocol. */
function layouts(): Layout<unknown>[] {
  const all: unknown[] = [
    ...Object.values(Nvsp),
    ...Object.values(Rndis),
    NvspReceiveBufferSection,
    RndisMessageHeader,
    RndisPacket,
  ];
  return all.filter(
    (value): value is Layout<unknown> => typeof value === 'object' && value !== null && 'decode' in value
  );
}

describe('hostile bytes', () => {
  it('decoding random bytes with any layout throws nothing but ProtocolError', () => {
    const all = layouts();
    expect(all).toHaveLength(32);
    expectOnlyProtocolErrors(all);
  });

  it('random bytes into every reader throw nothing but ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), (bytes) => {
        for (const read of readers) onlyProtocolErrors(() => read(bytes));
      }),
      { numRuns: 500 }
    );
  });

  it('mutated valid messages into every reader throw nothing but ProtocolError', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        for (const read of readers) onlyProtocolErrors(() => read(bytes));
      }),
      { numRuns: 2000 }
    );
  });
});

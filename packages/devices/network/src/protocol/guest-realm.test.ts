import { createGuestRealm, loadIntoGuestRealm, WIRE_SOURCE_ENTRY } from '@tsvisor/wire/testing';
import { describe, expect, it } from 'vitest';
import type * as Protocol from './index.js';

describe('on the guest side', () => {
  const realm = createGuestRealm();
  const protocol = loadIntoGuestRealm(realm, new URL('./index.ts', import.meta.url), {
    '@tsvisor/wire': WIRE_SOURCE_ENTRY,
  }) as typeof Protocol;

  it('encodes and decodes NVSP and RNDIS messages with realm-local code', () => {
    const init = protocol.encodeNvspMessage({
      type: protocol.NvspMessageType.INIT,
      minProtocolVersion: protocol.NvspVersion.V61,
      maxProtocolVersion: protocol.NvspVersion.V61,
    });
    expect(init.length).toBe(protocol.NVSP_MESSAGE_SIZE);
    expect(protocol.readNvspMessage(init, 'guest')).toMatchObject({
      type: 1,
      maxProtocolVersion: 0x60001,
    });

    const query = protocol.encodeRndisMessage({
      type: protocol.RndisMessageType.QUERY,
      requestId: 7,
      oid: protocol.RndisOid.PERMANENT_ADDRESS_802_3,
      information: new Uint8Array(0),
      deviceVcHandle: 0,
    });
    expect(protocol.readRndisMessage(query)).toMatchObject({
      requestId: 7,
      oid: 0x01010101,
    });

    const bytes = new Uint8Array(protocol.RNDIS_PACKET_SIZE + 60);
    const view = new DataView(bytes.buffer);
    protocol.writeRndisPacketHeader(view, 0, 60);
    const frame = protocol.checkRndisPacket(view, 0, bytes.length, {
      offset: 0,
      length: 0,
      perPacketInfoOffset: 0,
      perPacketInfoLength: 0,
      messageLength: 0,
    });
    expect(frame).toMatchObject({ offset: 44, length: 60 });
  });

  it('reports hostile bytes with a ProtocolError naming the field', () => {
    const bytes = new Uint8Array(protocol.RNDIS_PACKET_SIZE + 60);
    const view = new DataView(bytes.buffer);
    protocol.writeRndisPacketHeader(view, 0, 60);
    view.setUint32(protocol.RndisPacket.offsetOf('dataOffset'), 8, true);
    let thrown: unknown;
    try {
      protocol.checkRndisPacket(view, 0, bytes.length, {
        offset: 0,
        length: 0,
        perPacketInfoOffset: 0,
        perPacketInfoLength: 0,
        messageLength: 0,
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      name: 'ProtocolError',
      layout: 'RndisPacket',
      path: 'dataOffset',
    });
  });
});

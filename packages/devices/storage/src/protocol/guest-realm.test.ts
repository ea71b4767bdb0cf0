import { createGuestRealm, loadIntoGuestRealm, WIRE_SOURCE_ENTRY } from '@tsvisor/wire/testing';
import { describe, expect, it } from 'vitest';
import type * as Protocol from './index.js';

describe('on the guest side', () => {
  const realm = createGuestRealm();
  const protocol = loadIntoGuestRealm(realm, new URL('./index.ts', import.meta.url), {
    '@tsvisor/wire': WIRE_SOURCE_ENTRY,
  }) as typeof Protocol;

  it('encodes, checks and decodes packets with realm-local code', () => {
    const packet = protocol.VstorVersionPacket.encode({
      operation: protocol.VstorOperation.QUERY_PROTOCOL_VERSION,
      flags: protocol.VSTOR_FLAG_REQUEST_COMPLETION,
      status: 0,
      version: { majorMinor: protocol.VstorVersion.WIN10, revision: 0 },
    });
    const view = new DataView(packet.buffer);
    expect(protocol.checkVstorPacket(view, 0)).toBe(9);
    const sense = new Uint8Array(18);
    protocol.writeFixedSense(sense, protocol.SenseKey.ILLEGAL_REQUEST, protocol.AdditionalSense.INVALID_FIELD_IN_CDB);
    expect(protocol.FixedSenseData.decode(sense).additionalSenseCode).toBe(0x24);
  });

  it('reports hostile bytes with a ProtocolError naming the field', () => {
    const bytes = new Uint8Array(64);
    bytes[0] = protocol.VstorOperation.EXECUTE_SRB;
    bytes[12] = 52;
    bytes[20] = 17;
    let thrown: unknown;
    try {
      protocol.checkVstorPacket(new DataView(bytes.buffer), 0);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'ProtocolError', path: 'srb.cdbLength' });
  });
});

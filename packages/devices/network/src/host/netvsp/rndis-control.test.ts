import { describe, expect, it } from 'vitest';
import { macAddress } from '../../protocol/mac-address.js';
import { RndisMessageType, RndisStatus } from '../../protocol/rndis-message-type.js';
import { NdisMediaState, NdisPacketFilter, RndisOid, oidU32, readOidU32 } from '../../protocol/rndis-oid.js';
import { RndisControl } from './rndis-control.js';

const adapter = { mac: macAddress('00:15:5d:01:02:03'), mtu: 1500, linkUp: false, maxTransferSize: 1600 };
const NOTHING = new Uint8Array(0);
const query = (oid: number) => ({ type: RndisMessageType.QUERY, requestId: 2, oid, information: NOTHING, deviceVcHandle: 0 }) as const;

describe('RndisControl', () => {
  it('answers INITIALIZE as an 802.3 connectionless device speaking RNDIS 1.0, one packet per message', () => {
    const control = new RndisControl(adapter);
    expect(control.handle({ type: RndisMessageType.INITIALIZE, requestId: 1, majorVersion: 1, minorVersion: 0, maxTransferSize: 4096 })).toEqual({
      protocolError: false,
      reply: {
        type: RndisMessageType.INITIALIZE_COMPLETE,
        requestId: 1,
        status: RndisStatus.SUCCESS,
        majorVersion: 1,
        minorVersion: 0,
        deviceFlags: 1,
        medium: 0,
        maxPacketsPerMessage: 1,
        maxTransferSize: 1600,
        packetAlignmentFactor: 3,
        afListOffset: 0,
        afListSize: 0,
      },
    });
    expect(control.initialized).toBe(true);
  });

  it('refuses queries and sets before INITIALIZE, with a failure status counted as a protocol error', () => {
    const control = new RndisControl(adapter);
    expect(control.handle(query(RndisOid.GEN_LINK_SPEED))).toMatchObject({ protocolError: true, reply: { status: RndisStatus.FAILURE } });
    expect(control.handle({ type: RndisMessageType.SET, requestId: 3, oid: RndisOid.GEN_CURRENT_PACKET_FILTER, information: oidU32(1), deviceVcHandle: 0 })).toMatchObject({ protocolError: true });
    expect(control.packetFilter).toBe(0);
  });

  it('keeps the packet filter the guest sets, refuses a value of the wrong size, and forgets it on RESET and HALT', () => {
    const control = new RndisControl(adapter);
    control.handle({ type: RndisMessageType.INITIALIZE, requestId: 1, majorVersion: 1, minorVersion: 0, maxTransferSize: 4096 });
    const set = (information: Uint8Array) => control.handle({ type: RndisMessageType.SET, requestId: 4, oid: RndisOid.GEN_CURRENT_PACKET_FILTER, information, deviceVcHandle: 0 });
    expect(set(new Uint8Array(2))).toMatchObject({ protocolError: true, reply: { status: RndisStatus.INVALID_LENGTH } });
    expect(set(oidU32(NdisPacketFilter.DIRECTED | NdisPacketFilter.BROADCAST))).toMatchObject({ protocolError: false, reply: { status: RndisStatus.SUCCESS } });
    const filter = control.handle(query(RndisOid.GEN_CURRENT_PACKET_FILTER)).reply;
    expect(filter?.type === RndisMessageType.QUERY_COMPLETE && readOidU32(filter.information, 0)).toBe(9);
    expect(control.handle({ type: RndisMessageType.RESET })).toMatchObject({ reply: { type: RndisMessageType.RESET_COMPLETE, status: 0, addressingReset: 1 } });
    expect(control.packetFilter).toBe(0);
    set(oidU32(NdisPacketFilter.PROMISCUOUS));
    expect(control.handle({ type: RndisMessageType.HALT, requestId: 5 })).toEqual({ reply: undefined, protocolError: false });
    expect(control.initialized).toBe(false);
    expect(control.packetFilter).toBe(0);
  });

  it('reports the media state as the adapter has it, and NOT_SUPPORTED for OIDs it does not know', () => {
    const control = new RndisControl(adapter);
    control.handle({ type: RndisMessageType.INITIALIZE, requestId: 1, majorVersion: 1, minorVersion: 0, maxTransferSize: 4096 });
    const media = control.handle(query(RndisOid.GEN_MEDIA_CONNECT_STATUS)).reply;
    expect(media?.type === RndisMessageType.QUERY_COMPLETE && readOidU32(media.information, 0)).toBe(NdisMediaState.DISCONNECTED);
    expect(control.handle(query(0x0202_0101)).reply).toMatchObject({ status: RndisStatus.NOT_SUPPORTED, information: NOTHING });
  });

  it('takes completions and indications from a guest for the protocol errors they are, answering nothing', () => {
    const control = new RndisControl(adapter);
    expect(control.handle({ type: RndisMessageType.KEEPALIVE_COMPLETE, requestId: 1, status: 0 })).toEqual({ reply: undefined, protocolError: true });
    expect(control.handle({ type: RndisMessageType.INDICATE_STATUS, status: RndisStatus.MEDIA_CONNECT, statusBuffer: NOTHING })).toEqual({ reply: undefined, protocolError: true });
  });
});

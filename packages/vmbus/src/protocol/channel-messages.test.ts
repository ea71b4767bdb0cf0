import { SYNIC_MAX_PAYLOAD } from '@tsvisor/hypervisor-core/guest';
import { describe, it, expect } from 'vitest';
import { ProtocolError, type Layout } from '@tsvisor/wire';
import { expectGolden, expectOnlyProtocolErrors, hex, zeros } from '@tsvisor/wire/testing';
import {
  AllOffersDelivered,
  ChannelMessageHeader,
  ChannelMessageType,
  CloseChannel,
  GPADL_BODY_MAX_PFNS,
  GPADL_HEADER_MAX_PFNS,
  GpadlBody,
  GpadlCreated,
  GpadlHeader,
  GpadlTeardown,
  GpadlTorndown,
  InitiateContact,
  OfferChannel,
  OpenChannel,
  OpenChannelResult,
  RelidReleased,
  RequestOffers,
  RescindChannelOffer,
  Unload,
  UnloadResponse,
  VersionResponse,
  VMBUS_VERSIONS,
  VmbusVersion,
  vmbusVersion,
} from './channel-messages.js';

const T = ChannelMessageType;
const SCSI = 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f';
const INSTANCE = '00112233-4455-6677-8899-aabbccddeeff';
const GPADL = 0xe1e10;

/** Every channel-management layout, with its message type (undefined for the generic header). */
const MESSAGES: readonly [Layout<unknown>, number | undefined][] = [
  [ChannelMessageHeader, undefined],
  [InitiateContact, T.INITIATE_CONTACT],
  [VersionResponse, T.VERSION_RESPONSE],
  [OfferChannel, T.OFFERCHANNEL],
  [RescindChannelOffer, T.RESCIND_CHANNELOFFER],
  [RequestOffers, T.REQUESTOFFERS],
  [AllOffersDelivered, T.ALLOFFERS_DELIVERED],
  [OpenChannel, T.OPENCHANNEL],
  [OpenChannelResult, T.OPENCHANNEL_RESULT],
  [CloseChannel, T.CLOSECHANNEL],
  [GpadlHeader, T.GPADL_HEADER],
  [GpadlBody, T.GPADL_BODY],
  [GpadlCreated, T.GPADL_CREATED],
  [GpadlTeardown, T.GPADL_TEARDOWN],
  [GpadlTorndown, T.GPADL_TORNDOWN],
  [RelidReleased, T.RELID_RELEASED],
  [Unload, T.UNLOAD],
  [UnloadResponse, T.UNLOAD_RESPONSE],
];

describe('channel-management messages (PROTOCOLS.md §2)', () => {
  it('has the message-type codes', () => {
    expect(T).toMatchObject({
      OFFERCHANNEL: 1,
      RESCIND_CHANNELOFFER: 2,
      REQUESTOFFERS: 3,
      ALLOFFERS_DELIVERED: 4,
      OPENCHANNEL: 5,
      OPENCHANNEL_RESULT: 6,
      CLOSECHANNEL: 7,
      GPADL_HEADER: 8,
      GPADL_BODY: 9,
      GPADL_CREATED: 10,
      GPADL_TEARDOWN: 11,
      GPADL_TORNDOWN: 12,
      RELID_RELEASED: 13,
      INITIATE_CONTACT: 14,
      VERSION_RESPONSE: 15,
      UNLOAD: 16,
      UNLOAD_RESPONSE: 17,
      MODIFYCHANNEL: 22,
      MODIFYCHANNEL_RESPONSE: 24,
      PAUSE: 27,
      PAUSE_RESPONSE: 28,
      RESUME: 29,
    });
  });

  it('lists the versions newest first as major << 16 | minor', () => {
    expect(VMBUS_VERSIONS).toEqual([
      vmbusVersion(5, 3),
      vmbusVersion(5, 2),
      vmbusVersion(5, 1),
      vmbusVersion(5, 0),
      vmbusVersion(4, 1),
      vmbusVersion(4, 0),
      vmbusVersion(3, 0),
      vmbusVersion(2, 4),
    ]);
    expect(VmbusVersion.V5_3).toBe(0x50003);
    expect(VmbusVersion.V2_4).toBe(0x20004);
  });

  it('every fixed layout fits in one SynIC payload', () => {
    for (const [layout] of MESSAGES) expect(layout.size).toBeLessThanOrEqual(SYNIC_MAX_PAYLOAD);
  });

  it('26 PFNs fit after GPADL_HEADER and 28 after GPADL_BODY, exactly', () => {
    expect(GPADL_HEADER_MAX_PFNS).toBe(26);
    expect(GPADL_BODY_MAX_PFNS).toBe(28);
    expect(GpadlHeader.size + 26 * 8).toBeLessThanOrEqual(SYNIC_MAX_PAYLOAD);
    expect(GpadlHeader.size + 27 * 8).toBeGreaterThan(SYNIC_MAX_PAYLOAD);
    expect(GpadlBody.size + 28 * 8).toBeLessThanOrEqual(SYNIC_MAX_PAYLOAD);
    expect(GpadlBody.size + 29 * 8).toBeGreaterThan(SYNIC_MAX_PAYLOAD);
  });

  it('ChannelMessageHeader: golden bytes, padding ignored on read', () => {
    expectGolden(ChannelMessageHeader, { msgtype: 0x1d }, '1d 00 00 00 00 00 00 00');
    expect(ChannelMessageHeader.decode(hex('05 00 00 00 ff ff ff ff'))).toEqual({ msgtype: 5 });
  });

  it('a message layout rejects any other message type', () => {
    for (const [layout, code] of MESSAGES) {
      if (code === undefined) continue;
      const wire = new Uint8Array(layout.size);
      wire[0] = code === 1 ? 2 : 1;
      expect(() => layout.decode(wire)).toThrow(ProtocolError);
    }
  });

  it('InitiateContact: golden bytes', () => {
    expectGolden(
      InitiateContact,
      {
        msgtype: T.INITIATE_CONTACT,
        vmbusVersionRequested: VmbusVersion.V5_3,
        targetVcpu: 0,
        msgSint: 2,
        msgVtl: 0,
        monitorPage1: 0x12345000n,
        monitorPage2: 0x12346000n,
      },
      '0e 00 00 00 00 00 00 00  03 00 05 00  00 00 00 00  02 00  00 00 00 00 00 00' +
        '  00 50 34 12 00 00 00 00  00 60 34 12 00 00 00 00',
    );
  });

  it('VersionResponse: golden bytes', () => {
    expectGolden(
      VersionResponse,
      { msgtype: T.VERSION_RESPONSE, versionSupported: 1, connectionState: 0, msgConnId: 4 },
      '0f 00 00 00 00 00 00 00  01 00 00 00  04 00 00 00',
    );
  });

  it('OfferChannel: golden bytes of a SCSI sub-channel offer (196 bytes)', () => {
    expectGolden(
      OfferChannel,
      {
        msgtype: T.OFFERCHANNEL,
        offer: {
          interfaceType: SCSI,
          interfaceInstance: INSTANCE,
          channelFlags: 0,
          mmioMegabytes: 0,
          userDefined: new Uint8Array(120),
          subChannelIndex: 1,
        },
        childRelid: 14,
        monitorId: 3,
        monitorAllocated: 1,
        isDedicatedInterrupt: 1,
        connectionId: 0x1000e,
      },
      '01 00 00 00 00 00 00 00' +
        ' d9 63 61 ba a1 04 29 4d b6 05 72 e2 ff b1 dc 7f' +
        ' 33 22 11 00 55 44 77 66 88 99 aa bb cc dd ee ff' +
        zeros(16) +
        ' 00 00 00 00' +
        zeros(120) +
        ' 01 00 00 00' +
        ' 0e 00 00 00 03 01 01 00 0e 00 01 00',
    );
    expect(OfferChannel.size).toBe(196);
    expect(OfferChannel.offsetOf('childRelid')).toBe(184);
  });

  it('RescindChannelOffer, CloseChannel, RelidReleased: golden bytes', () => {
    expectGolden(
      RescindChannelOffer,
      { msgtype: T.RESCIND_CHANNELOFFER, childRelid: 14 },
      '02 00 00 00 00 00 00 00 0e 00 00 00',
    );
    expectGolden(CloseChannel, { msgtype: T.CLOSECHANNEL, childRelid: 14 }, '07 00 00 00 00 00 00 00 0e 00 00 00');
    expectGolden(RelidReleased, { msgtype: T.RELID_RELEASED, childRelid: 14 }, '0d 00 00 00 00 00 00 00 0e 00 00 00');
  });

  it('header-only messages: golden bytes', () => {
    expectGolden(RequestOffers, { msgtype: T.REQUESTOFFERS }, '03 00 00 00 00 00 00 00');
    expectGolden(AllOffersDelivered, { msgtype: T.ALLOFFERS_DELIVERED }, '04 00 00 00 00 00 00 00');
    expectGolden(Unload, { msgtype: T.UNLOAD }, '10 00 00 00 00 00 00 00');
    expectGolden(UnloadResponse, { msgtype: T.UNLOAD_RESPONSE }, '11 00 00 00 00 00 00 00');
  });

  it('OpenChannel: golden bytes (148 bytes)', () => {
    const userData = new Uint8Array(120);
    userData.set([0xde, 0xad]);
    expectGolden(
      OpenChannel,
      {
        msgtype: T.OPENCHANNEL,
        childRelid: 14,
        openId: 14,
        ringBufferGpadlHandle: GPADL,
        targetVp: 1,
        downstreamRingBufferPageOffset: 0x20,
        userData,
      },
      '05 00 00 00 00 00 00 00  0e 00 00 00  0e 00 00 00  10 1e 0e 00  01 00 00 00  20 00 00 00  de ad' +
        zeros(118),
    );
  });

  it('OpenChannelResult: golden bytes', () => {
    expectGolden(
      OpenChannelResult,
      { msgtype: T.OPENCHANNEL_RESULT, childRelid: 14, openId: 14, status: 0xc0000001 },
      '06 00 00 00 00 00 00 00  0e 00 00 00  0e 00 00 00  01 00 00 c0',
    );
  });

  it('GpadlHeader and GpadlBody: golden bytes of the fixed parts', () => {
    expectGolden(
      GpadlHeader,
      {
        msgtype: T.GPADL_HEADER,
        childRelid: 14,
        gpadl: GPADL,
        rangeBufLen: 8 + 26 * 8,
        rangeCount: 1,
        range: { byteCount: 26 * 4096, byteOffset: 0 },
      },
      '08 00 00 00 00 00 00 00  0e 00 00 00  10 1e 0e 00  d8 00  01 00  00 a0 01 00  00 00 00 00',
    );
    expectGolden(
      GpadlBody,
      { msgtype: T.GPADL_BODY, msgNumber: 1, gpadl: GPADL },
      '09 00 00 00 00 00 00 00  01 00 00 00  10 1e 0e 00',
    );
  });

  it('GpadlCreated, GpadlTeardown, GpadlTorndown: golden bytes', () => {
    expectGolden(
      GpadlCreated,
      { msgtype: T.GPADL_CREATED, childRelid: 14, gpadl: GPADL, creationStatus: 0 },
      '0a 00 00 00 00 00 00 00  0e 00 00 00  10 1e 0e 00  00 00 00 00',
    );
    expectGolden(
      GpadlTeardown,
      { msgtype: T.GPADL_TEARDOWN, childRelid: 14, gpadl: GPADL },
      '0b 00 00 00 00 00 00 00  0e 00 00 00  10 1e 0e 00',
    );
    expectGolden(GpadlTorndown, { msgtype: T.GPADL_TORNDOWN, gpadl: GPADL }, '0c 00 00 00 00 00 00 00  10 1e 0e 00');
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors(MESSAGES.map(([layout]) => layout));
  });
});

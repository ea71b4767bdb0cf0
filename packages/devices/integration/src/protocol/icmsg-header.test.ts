import { describe, it, expect } from 'vitest';
import { expectGolden, expectOnlyProtocolErrors, expectProtocolError, hex } from '@tsvisor/wire/testing';
import {
  IC_HEADER_SIZE,
  IC_REQUEST_FLAGS,
  IC_RESPONSE_FLAGS,
  IcFlag,
  IcMessageHeader,
  IcMessageType,
  IcStatus,
} from './icmsg-header.js';

describe('icmsg_hdr (PROTOCOLS.md §5)', () => {
  it('has the codes of the Linux drivers', () => {
    expect(IcMessageType).toEqual({ NEGOTIATE: 0, HEARTBEAT: 1, KVP: 2, SHUTDOWN: 3, TIMESYNC: 4, VSS: 5, FCOPY: 7 });
    expect(IcFlag).toEqual({ TRANSACTION: 1, REQUEST: 2, RESPONSE: 4 });
    expect(IC_REQUEST_FLAGS).toBe(3);
    expect(IC_RESPONSE_FLAGS).toBe(5);
    expect(IcStatus).toEqual({ S_OK: 0, E_FAIL: 0x80004005, NO_MORE_ITEMS: 0x80070103, NOT_SUPPORTED: 0x80070032 });
  });

  it('IcMessageHeader: golden bytes', () => {
    expectGolden(
      IcMessageHeader,
      {
        frameworkVersion: { major: 3, minor: 0 },
        messageType: IcMessageType.HEARTBEAT,
        messageVersion: { major: 3, minor: 1 },
        messageSize: 16,
        status: IcStatus.E_FAIL,
        transactionId: 7,
        flags: IC_RESPONSE_FLAGS,
      },
      // icverframe   icmsgtype  icvermsg     icmsgsize  status       xid flags reserved
      '03 00 00 00    01 00      03 00 01 00  10 00      05 40 00 80  07  05    00 00',
    );
    expect(IC_HEADER_SIZE).toBe(20);
    expect(IcMessageHeader.offsetOf('messageSize')).toBe(10);
    expect(IcMessageHeader.offsetOf('status')).toBe(12);
    expect(IcMessageHeader.offsetOf('transactionId')).toBe(16);
    expect(IcMessageHeader.offsetOf('flags')).toBe(17);
  });

  it('an unknown message type is a ProtocolError naming messageType', () => {
    expectProtocolError(
      () => IcMessageHeader.decode(hex('03 00 00 00 06 00 03 00 00 00 00 00 00 00 00 00 00 03 00 00')),
      {
        layout: 'IcMessageHeader',
        path: 'messageType',
        offset: 4,
      },
    );
  });

  it('flags that are neither a request nor a response are a ProtocolError naming flags', () => {
    for (const flags of [0, 1, 6, 7, 8, 0x13]) {
      const bytes = hex('03 00 00 00 01 00 03 00 00 00 00 00 00 00 00 00 00 00 00 00');
      bytes[17] = flags;
      expectProtocolError(() => IcMessageHeader.decode(bytes), {
        layout: 'IcMessageHeader',
        path: 'flags',
        offset: 17,
      });
    }
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([IcMessageHeader]);
  });
});

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { expectProtocolError, hex, onlyProtocolErrors, toHex } from '@tsvisor/wire/testing';
import { IC_HEADER_SIZE, IcMessageType, IcStatus } from './icmsg-header.js';
import { icVersion } from './ic-version.js';
import {
  IC_MAX_BODY_SIZE,
  buildIcRequest,
  buildIcResponse,
  readIcMessage,
  readIcRequest,
  readIcResponse,
  respondInPlace,
} from './ic-message.js';

const versions = { framework: icVersion(3, 0), service: icVersion(4, 0) };

/** A heartbeat-typed request with a 4-byte body, transaction id 9. */
const REQUEST = '03 00 00 00 01 00 04 00 00 00 04 00 00 00 00 00 09 03 00 00 de ad be ef';

describe('IC messages (PROTOCOLS.md §5)', () => {
  it('builds a request: the negotiated versions, the body size, S_OK, TRANSACTION | REQUEST', () => {
    const bytes = buildIcRequest(
      { messageType: IcMessageType.HEARTBEAT, versions, transactionId: 9 },
      hex('de ad be ef'),
    );
    expect(toHex(bytes)).toBe(toHex(hex(REQUEST)));
  });

  it('reads a message: its header, and views of the message and body without trailing bytes', () => {
    const bytes = hex(`${REQUEST} 77 77`);
    const message = readIcMessage(bytes);
    expect(message.header).toMatchObject({ messageType: 1, messageSize: 4, transactionId: 9, flags: 3 });
    expect(toHex(message.body)).toBe('de ad be ef');
    expect(message.bytes.length).toBe(IC_HEADER_SIZE + 4);
    expect(message.body.buffer).toBe(bytes.buffer);
  });

  it('a truncated header is a ProtocolError naming the first field that does not fit', () => {
    expectProtocolError(() => readIcMessage(hex(REQUEST).subarray(0, 10)), {
      layout: 'IcMessageHeader',
      path: 'messageSize',
    });
    expectProtocolError(() => readIcMessage(new Uint8Array(0)), {
      layout: 'IcMessageHeader',
      path: 'frameworkVersion.major',
    });
  });

  it('a message size larger than the bytes after the header is a ProtocolError naming messageSize', () => {
    expectProtocolError(() => readIcMessage(hex(REQUEST).subarray(0, 23)), {
      layout: 'IcMessageHeader',
      path: 'messageSize',
      offset: 10,
    });
  });

  it('a message size above the 16 KiB pipe limit is a ProtocolError even if the bytes are there', () => {
    const bytes = new Uint8Array(IC_HEADER_SIZE + 0xffff);
    bytes.set(hex(REQUEST).subarray(0, IC_HEADER_SIZE));
    new DataView(bytes.buffer).setUint16(10, 0xffff, true);
    expectProtocolError(() => readIcMessage(bytes), { layout: 'IcMessageHeader', path: 'messageSize' });
    new DataView(bytes.buffer).setUint16(10, IC_MAX_BODY_SIZE, true);
    expect(readIcMessage(bytes).body.length).toBe(IC_MAX_BODY_SIZE);
  });

  it('the guest reads only requests, of the type it expects', () => {
    expect(readIcRequest(hex(REQUEST), IcMessageType.HEARTBEAT).header.messageType).toBe(IcMessageType.HEARTBEAT);
    expectProtocolError(() => readIcRequest(hex(REQUEST), IcMessageType.KVP), {
      layout: 'IcMessageHeader',
      path: 'messageType',
    });
    const response = buildIcResponse(readIcRequest(hex(REQUEST)), IcStatus.S_OK);
    expectProtocolError(() => readIcRequest(response), { layout: 'IcMessageHeader', path: 'flags' });
  });

  it('the host reads only answers of the type and transaction id of its request', () => {
    const response = buildIcResponse(readIcRequest(hex(REQUEST)), IcStatus.S_OK);
    expect(readIcResponse(response, { messageType: IcMessageType.HEARTBEAT, transactionId: 9 }).header.flags).toBe(5);
    expectProtocolError(
      () => readIcResponse(hex(REQUEST), { messageType: IcMessageType.HEARTBEAT, transactionId: 9 }),
      {
        layout: 'IcMessageHeader',
        path: 'flags',
      },
    );
    expectProtocolError(() => readIcResponse(response, { messageType: IcMessageType.TIMESYNC, transactionId: 9 }), {
      layout: 'IcMessageHeader',
      path: 'messageType',
    });
    expectProtocolError(() => readIcResponse(response, { messageType: IcMessageType.HEARTBEAT }), {
      layout: 'IcMessageHeader',
      path: 'transactionId',
      offset: 16,
    });
    const withoutTransaction = response.slice();
    withoutTransaction[17] = 4;
    expectProtocolError(
      () => readIcResponse(withoutTransaction, { messageType: IcMessageType.HEARTBEAT, transactionId: 9 }),
      {
        layout: 'IcMessageHeader',
        path: 'flags',
      },
    );
  });

  it('answers in place, as Linux does: TRANSACTION | RESPONSE, the status, everything else untouched', () => {
    const bytes = hex(`${REQUEST} 77`);
    const answer = respondInPlace(bytes, IcStatus.E_FAIL);
    expect(answer.buffer).toBe(bytes.buffer);
    expect(toHex(answer)).toBe(toHex(hex('03 00 00 00 01 00 04 00 00 00 04 00 05 40 00 80 09 05 00 00 de ad be ef')));
    expect(bytes[24]).toBe(0x77);
  });

  it('builds an answer with a new body and its size', () => {
    const answer = buildIcResponse(readIcRequest(hex(REQUEST)), IcStatus.S_OK, hex('01 02'));
    expect(toHex(answer)).toBe(toHex(hex('03 00 00 00 01 00 04 00 00 00 02 00 00 00 00 00 09 05 00 00 01 02')));
  });

  it('refuses to build bodies above the 16 KiB pipe limit', () => {
    expect(() =>
      buildIcRequest({ messageType: IcMessageType.KVP, versions }, new Uint8Array(IC_MAX_BODY_SIZE + 1)),
    ).toThrow(RangeError);
    expect(() =>
      buildIcRequest({ messageType: IcMessageType.KVP, versions, transactionId: 256 }, new Uint8Array(0)),
    ).toThrow('IcMessageHeader.transactionId');
  });

  it('reading random bytes throws nothing but ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        onlyProtocolErrors(() => readIcMessage(bytes));
        onlyProtocolErrors(() => readIcRequest(bytes, IcMessageType.HEARTBEAT));
        onlyProtocolErrors(() => readIcResponse(bytes, { messageType: IcMessageType.HEARTBEAT }));
        onlyProtocolErrors(() => respondInPlace(bytes.slice(), IcStatus.S_OK));
      }),
      { numRuns: 500 },
    );
  });
});

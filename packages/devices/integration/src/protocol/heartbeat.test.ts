import { describe, it, expect } from 'vitest';
import { expectGolden, expectOnlyProtocolErrors, expectProtocolError, hex, toHex } from '@tsvisor/wire/testing';
import { IcStatus } from './icmsg-header.js';
import { icVersion } from './ic-version.js';
import { readIcRequest, buildIcResponse } from './ic-message.js';
import {
  HEARTBEAT_INTERFACE_ID,
  HEARTBEAT_VERSIONS,
  HeartbeatApplicationState,
  HeartbeatMessage,
  answerHeartbeat,
  buildHeartbeatRequest,
  readHeartbeatRequest,
  readHeartbeatResponse,
} from './heartbeat.js';

const versions = { framework: icVersion(3, 0), service: icVersion(3, 0) };

describe('heartbeat (PROTOCOLS.md §5)', () => {
  it('has the interface GUID and versions', () => {
    expect(HEARTBEAT_INTERFACE_ID).toBe('57164f39-9115-4e78-ab55-382f3bd5422d');
    expect(HEARTBEAT_VERSIONS).toEqual([icVersion(3, 0), icVersion(1, 0)]);
  });

  it('HeartbeatMessage: golden bytes (u64 seq_num, u32 application_state, 4 reserved)', () => {
    expectGolden(
      HeartbeatMessage,
      { sequenceNumber: 0x0102030405060708n, applicationState: HeartbeatApplicationState.HEALTHY },
      '08 07 06 05 04 03 02 01  01 00 00 00  00 00 00 00',
    );
  });

  it('the host request carries the sequence number and the negotiated versions', () => {
    expect(toHex(buildHeartbeatRequest(versions, 0x2an, 3))).toBe(
      toHex(
        hex(
          '03 00 00 00 01 00 03 00 00 00 10 00 00 00 00 00 03 03 00 00' +
            '2a 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
        ),
      ),
    );
  });

  it('round trip: the guest answers seq_num + 1 and its state, the host accepts it', () => {
    const request = buildHeartbeatRequest(versions, 41n, 3);
    expect(readHeartbeatRequest(request)).toEqual({ sequenceNumber: 41n, applicationState: 0 });
    const response = answerHeartbeat(request, HeartbeatApplicationState.CRITICAL);
    expect(toHex(response.subarray(20, 32))).toBe('2a 00 00 00 00 00 00 00 02 00 00 00');
    expect(readHeartbeatResponse(response, 41n, 3)).toEqual({
      status: IcStatus.S_OK,
      applicationState: HeartbeatApplicationState.CRITICAL,
    });
  });

  it('the sequence number wraps at 2^64', () => {
    const response = answerHeartbeat(buildHeartbeatRequest(versions, 0xffff_ffff_ffff_ffffn));
    expect(HeartbeatMessage.decode(response, 20).sequenceNumber).toBe(0n);
    expect(readHeartbeatResponse(response, 0xffff_ffff_ffff_ffffn).applicationState).toBe(
      HeartbeatApplicationState.HEALTHY,
    );
  });

  it('echoes request bytes past the heartbeat fields (Linux declares 32 reserved bytes)', () => {
    const request = hex(
      '03 00 00 00 01 00 03 00 00 00 14 00 00 00 00 00 00 03 00 00' +
        '05 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 aa bb cc dd',
    );
    expect(toHex(answerHeartbeat(request).subarray(36))).toBe('aa bb cc dd');
  });

  it('an answer with a wrong sequence number is a ProtocolError naming sequenceNumber', () => {
    const response = answerHeartbeat(buildHeartbeatRequest(versions, 7n));
    expectProtocolError(() => readHeartbeatResponse(response, 8n), {
      layout: 'HeartbeatMessage',
      path: 'sequenceNumber',
      offset: 20,
    });
  });

  it("a failed answer is reported with its status, whatever its sequence number (Linux's E_FAIL echoes the body)", () => {
    const message = readIcRequest(buildHeartbeatRequest(versions, 7n));
    expect(readHeartbeatResponse(buildIcResponse(message, IcStatus.E_FAIL), 7n)).toEqual({
      status: IcStatus.E_FAIL,
      applicationState: HeartbeatApplicationState.UNKNOWN,
    });
  });

  it('an unknown application state is a ProtocolError naming applicationState', () => {
    const response = answerHeartbeat(buildHeartbeatRequest(versions, 7n));
    response[28] = 9;
    expectProtocolError(() => readHeartbeatResponse(response, 7n), {
      layout: 'HeartbeatMessage',
      path: 'applicationState',
      offset: 28,
    });
  });

  it('a body shorter than the heartbeat fields is a ProtocolError naming the field that does not fit', () => {
    const request = hex('03 00 00 00 01 00 03 00 00 00 08 00 00 00 00 00 00 03 00 00 05 00 00 00 00 00 00 00');
    expectProtocolError(() => answerHeartbeat(request), { layout: 'HeartbeatMessage', path: 'applicationState' });
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([HeartbeatMessage]);
  });
});

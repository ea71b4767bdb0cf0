import { ProtocolError } from '@tsvisor/wire';
import { expectGolden, expectOnlyProtocolErrors, expectProtocolError, hex, toHex } from '@tsvisor/wire/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EntropyLimits,
  EntropyOpcode,
  EntropyRequest,
  EntropyResponseHeader,
  EntropyStatus,
  buildGetEntropy,
  buildQueryLimits,
  checkEntropyRequest,
  readEntropyLimits,
  readEntropyResponse,
  writeEntropyResponseHeader,
} from './entropy-protocol.js';
import { EntropyRequestError } from './entropy-request-error.js';

describe('entropy wire layouts (golden bytes)', () => {
  it('lays out a request as u32 opcode, u32 length, little-endian', () => {
    expectGolden(EntropyRequest, { opcode: EntropyOpcode.GET_ENTROPY, length: 4096 }, '01 00 00 00  00 10 00 00');
    expectGolden(EntropyRequest, { opcode: EntropyOpcode.QUERY_LIMITS, length: 0 }, '02 00 00 00  00 00 00 00');
    expect(toHex(buildGetEntropy(65_536))).toBe('01 00 00 00 00 00 01 00');
    expect(toHex(buildQueryLimits())).toBe('02 00 00 00 00 00 00 00');
  });

  it('lays out a response header as u32 status, u32 length', () => {
    expectGolden(EntropyResponseHeader, { status: EntropyStatus.SUCCESS, length: 65_536 }, '00 00 00 00  00 00 01 00');
    expectGolden(EntropyResponseHeader, { status: EntropyStatus.INVALID_LENGTH, length: 0 }, '03 00 00 00  00 00 00 00');
  });

  it('lays out the limits as u32 maxRequestBytes, u32 bytesPerSecond', () => {
    expectGolden(EntropyLimits, { maxRequestBytes: 4096, bytesPerSecond: 1_000_000 }, '00 10 00 00  40 42 0f 00');
  });

  it('decodes arbitrary bytes with nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([EntropyRequest, EntropyResponseHeader, EntropyLimits]);
  });
});

describe('checkEntropyRequest (host side, hostile bytes)', () => {
  it('accepts GET_ENTROPY of 1 to maxRequestBytes bytes', () => {
    expect(checkEntropyRequest(hex('01 00 00 00 01 00 00 00'), 4096)).toEqual({ status: EntropyStatus.SUCCESS, opcode: 1, length: 1 });
    expect(checkEntropyRequest(hex('01 00 00 00 00 10 00 00'), 4096)).toEqual({ status: EntropyStatus.SUCCESS, opcode: 1, length: 4096 });
  });

  it('answers QUERY_LIMITS with the size of the limits', () => {
    expect(checkEntropyRequest(buildQueryLimits(), 4096)).toEqual({ status: EntropyStatus.SUCCESS, opcode: 2, length: EntropyLimits.size });
  });

  it('refuses a length of 0, one above maxRequestBytes, and QUERY_LIMITS with a length', () => {
    expect(checkEntropyRequest(buildGetEntropy(0), 4096).status).toBe(EntropyStatus.INVALID_LENGTH);
    expect(checkEntropyRequest(buildGetEntropy(4097), 4096).status).toBe(EntropyStatus.INVALID_LENGTH);
    expect(checkEntropyRequest(hex('02 00 00 00 08 00 00 00'), 4096).status).toBe(EntropyStatus.INVALID_LENGTH);
  });

  it('refuses an unknown opcode', () => {
    expect(checkEntropyRequest(hex('00 00 00 00 10 00 00 00'), 4096).status).toBe(EntropyStatus.UNKNOWN_OPCODE);
    expect(checkEntropyRequest(hex('ff ff ff ff 10 00 00 00'), 4096).status).toBe(EntropyStatus.UNKNOWN_OPCODE);
  });

  it('refuses a payload that is not exactly one request', () => {
    expect(checkEntropyRequest(new Uint8Array(0), 4096).status).toBe(EntropyStatus.MALFORMED_REQUEST);
    expect(checkEntropyRequest(hex('01 00 00 00'), 4096).status).toBe(EntropyStatus.MALFORMED_REQUEST);
    expect(checkEntropyRequest(new Uint8Array(16), 4096).status).toBe(EntropyStatus.MALFORMED_REQUEST);
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.integer({ min: 1, max: 65_536 }), (payload, max) => {
        const { status } = checkEntropyRequest(payload, max);
        expect(Object.values(EntropyStatus)).toContain(status);
      }),
    );
  });
});

describe('readEntropyResponse (guest side)', () => {
  const response = (text: string): Uint8Array => hex(text);

  it('returns the data of a successful completion, ignoring VMBus padding', () => {
    const { status, data } = readEntropyResponse(response('00 00 00 00 03 00 00 00  aa bb cc 00 00 00 00 00'), 3);
    expect(status).toBe(EntropyStatus.SUCCESS);
    expect(toHex(data)).toBe('aa bb cc');
  });

  it('returns the status of an error completion, with no data', () => {
    expect(readEntropyResponse(response('02 00 00 00 00 00 00 00'), 16)).toEqual({ status: EntropyStatus.UNKNOWN_OPCODE, data: new Uint8Array(0) });
  });

  it('refuses a successful completion of another length, or one cut short', () => {
    const where = { layout: 'EntropyResponseHeader', path: 'length', offset: 4 };
    expectProtocolError(() => readEntropyResponse(response('00 00 00 00 02 00 00 00  aa bb 00 00 00 00 00 00'), 3), where);
    expectProtocolError(() => readEntropyResponse(response('00 00 00 00 10 00 00 00  aa bb 00 00 00 00 00 00'), 16), where);
    expectProtocolError(() => readEntropyResponse(response('01 00 00 00 04 00 00 00  aa bb cc dd 00 00 00 00'), 4), where);
  });

  it('refuses an unknown status and a completion shorter than its header', () => {
    expectProtocolError(() => readEntropyResponse(response('09 00 00 00 00 00 00 00'), 0), { layout: 'EntropyResponseHeader', path: 'status' });
    expect(() => readEntropyResponse(response('00 00 00 00'), 0)).toThrow(ProtocolError);
  });

  it('reads limits, refusing a maxRequestBytes outside 1…65536', () => {
    expect(readEntropyLimits(hex('00 10 00 00 00 00 00 00'))).toEqual({ maxRequestBytes: 4096, bytesPerSecond: 0 });
    const where = { layout: 'EntropyLimits', path: 'maxRequestBytes', offset: 0 };
    expectProtocolError(() => readEntropyLimits(hex('00 00 00 00 00 00 00 00')), where);
    expectProtocolError(() => readEntropyLimits(hex('01 00 01 00 00 00 00 00')), where);
  });

  it('writes a header in place at the start of a response buffer', () => {
    const buffer = new Uint8Array(12).fill(0xee);
    writeEntropyResponseHeader(buffer.subarray(0, 12), EntropyStatus.SUCCESS, 4);
    expect(toHex(buffer)).toBe('00 00 00 00 04 00 00 00 ee ee ee ee');
  });

  it('names the refused request and the status in an EntropyRequestError', () => {
    const error = new EntropyRequestError(EntropyStatus.INVALID_LENGTH, 'GET_ENTROPY of 0 bytes');
    expect(error.message).toBe('the entropy device refused GET_ENTROPY of 0 bytes: invalid length');
    expect(error.name).toBe('EntropyRequestError');
    expect(error.status).toBe(3);
  });
});

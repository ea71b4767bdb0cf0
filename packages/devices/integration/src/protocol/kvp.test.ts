import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  expectGolden,
  expectOnlyProtocolErrors,
  expectProtocolError,
  field,
  hex,
  toHex,
  zeros,
} from '@tsvisor/wire/testing';
import { IcStatus } from './icmsg-header.js';
import { icVersion } from './ic-version.js';
import { KVP_MAX_KEY_SIZE, KvpValueType, type KvpValue } from './kvp-value.js';
import {
  KVP_INTERFACE_ID,
  KVP_MESSAGE_SIZE,
  KVP_VERSIONS,
  KvpDelete,
  KvpEnumerate,
  KvpHeader,
  KvpOperation,
  KvpPool,
  answerKvp,
  answerKvpEnumerate,
  answerKvpGet,
  buildKvpRequest,
  readKvpRequest,
  readKvpResponse,
  type KvpRequest,
} from './kvp.js';

const versions = { framework: icVersion(3, 0), service: icVersion(4, 0) };
const text = (value: string): KvpValue => ({ type: KvpValueType.STRING, text: value });

/** Offsets from the start of the message: icmsg header 20, KVP header 4. */
const OP_BODY = 24;
const ENUMERATED = OP_BODY + 4;

const get: KvpRequest = { operation: KvpOperation.GET, pool: KvpPool.EXTERNAL, key: 'A' };
const set: KvpRequest = { operation: KvpOperation.SET, pool: KvpPool.EXTERNAL, key: 'A', value: text('hi') };
const remove: KvpRequest = { operation: KvpOperation.DELETE, pool: KvpPool.GUEST, key: 'A' };
const enumerate: KvpRequest = { operation: KvpOperation.ENUMERATE, pool: KvpPool.AUTO, index: 5 };

describe('KVP exchange (PROTOCOLS.md §5)', () => {
  it('has the interface GUID, versions, operations and pools', () => {
    expect(KVP_INTERFACE_ID).toBe('a9a0f4e7-5a45-4d96-b827-8a841e8c03e6');
    expect(KVP_VERSIONS).toEqual([icVersion(4, 0), icVersion(3, 0)]);
    expect(KvpOperation).toEqual({ GET: 0, SET: 1, DELETE: 2, ENUMERATE: 3 });
    expect(KvpPool).toEqual({ EXTERNAL: 0, GUEST: 1, AUTO: 2, AUTO_EXTERNAL: 3, AUTO_INTERNAL: 4 });
    expect(KVP_MESSAGE_SIZE).toBe(2580);
  });

  it('KvpHeader: golden bytes (u8 operation, u8 pool, u16 pad)', () => {
    expectGolden(KvpHeader, { operation: KvpOperation.ENUMERATE, pool: KvpPool.AUTO }, '03 02 00 00');
  });

  it('KvpDelete: golden bytes (u32 key_size, key[512])', () => {
    expectGolden(KvpDelete, { keySize: 4, key: field('41 00 00 00', 512) }, '04 00 00 00  41 00 00 00' + zeros(508));
  });

  it('KvpEnumerate: golden bytes (u32 index, then the record)', () => {
    expectGolden(
      KvpEnumerate,
      {
        index: 5,
        data: {
          valueType: 4,
          keySize: 4,
          valueSize: 4,
          key: field('41 00 00 00', 512),
          value: field('2a 00 00 00', 2048),
        },
      },
      '05 00 00 00  04 00 00 00  04 00 00 00  04 00 00 00  41 00 00 00' + zeros(508) + '2a 00 00 00' + zeros(2044),
    );
  });

  it('a SET request: the header, then a 2580-byte body however small the operation', () => {
    const request = buildKvpRequest(versions, set, 1);
    expect(request.length).toBe(20 + 2580);
    expect(toHex(request)).toBe(
      toHex(
        hex(
          // icmsg_hdr: KVP, 4.0, size 0x0a14, xid 1, TRANSACTION | REQUEST
          '03 00 00 00 02 00 04 00 00 00 14 0a 00 00 00 00 01 03 00 00' +
            // SET, External  REG_SZ       key_size 4   value_size 6  "A"
            '01 00 00 00      01 00 00 00  04 00 00 00  06 00 00 00  41 00 00 00' +
            zeros(508) +
            '68 00 69 00 00 00' +
            zeros(2042) +
            zeros(4),
        ),
      ),
    );
  });

  it('a DELETE request carries key_size and key right after the header', () => {
    const request = buildKvpRequest(versions, remove);
    expect(toHex(request.subarray(20, 32))).toBe('02 01 00 00 04 00 00 00 41 00 00 00');
    expect(request.length).toBe(20 + KVP_MESSAGE_SIZE);
  });

  it('an ENUMERATE request carries the index and an empty record', () => {
    const request = buildKvpRequest(versions, enumerate);
    expect(toHex(request.subarray(20, 28))).toBe('03 02 00 00 05 00 00 00');
    expect(request.subarray(28).every((byte: number) => byte === 0)).toBe(true);
  });

  describe('round trips', () => {
    it('GET: the guest fills the value, keeping the key; the host reads it', () => {
      const request = buildKvpRequest(versions, get, 6);
      expect(readKvpRequest(request)).toEqual(get);
      const response = answerKvpGet(request, text('value'));
      expect(toHex(response.subarray(OP_BODY, OP_BODY + 16))).toBe('01 00 00 00 04 00 00 00 0c 00 00 00 41 00 00 00');
      expect(readKvpResponse(response, get, 6)).toEqual({
        operation: KvpOperation.GET,
        status: IcStatus.S_OK,
        value: text('value'),
      });
    });

    it('GET of a missing key: a failure status and no value', () => {
      const response = answerKvp(buildKvpRequest(versions, get), IcStatus.E_FAIL);
      expect(readKvpResponse(response, get)).toEqual({ operation: KvpOperation.GET, status: IcStatus.E_FAIL });
    });

    it('SET of each value type, and DELETE: status only', () => {
      for (const value of [
        text('hi'),
        { type: KvpValueType.EXPAND_STRING, text: '%PATH%' } as const,
        { type: KvpValueType.DWORD, value: 0xdead_beef } as const,
        { type: KvpValueType.QWORD, value: 0x1_0000_0000n } as const,
      ]) {
        const request = { ...set, value };
        const bytes = buildKvpRequest(versions, request);
        expect(readKvpRequest(bytes)).toEqual(request);
        expect(readKvpResponse(answerKvp(bytes, IcStatus.S_OK), request)).toEqual({
          operation: KvpOperation.SET,
          status: IcStatus.S_OK,
        });
      }
      const bytes = buildKvpRequest(versions, remove);
      expect(readKvpRequest(bytes)).toEqual(remove);
      expect(readKvpResponse(answerKvp(bytes, IcStatus.S_OK), remove)).toEqual({
        operation: KvpOperation.DELETE,
        status: IcStatus.S_OK,
      });
    });

    it('ENUMERATE: the guest fills key and value at the index, then ends with NO_MORE_ITEMS', () => {
      const records = [
        { key: 'FullyQualifiedDomainName', value: text('guest.example') },
        { key: 'OSMajorVersion', value: { type: KvpValueType.DWORD, value: 6 } as const },
      ];
      const seen = [];
      for (let index = 0; ; index++) {
        const request: KvpRequest = { operation: KvpOperation.ENUMERATE, pool: KvpPool.AUTO, index };
        const bytes = buildKvpRequest(versions, request, index);
        const received = readKvpRequest(bytes);
        expect(received).toEqual(request);
        const record = records[index];
        const response = record ? answerKvpEnumerate(bytes, record) : answerKvp(bytes, IcStatus.NO_MORE_ITEMS);
        const answer = readKvpResponse(response, request, index);
        if (answer.operation !== KvpOperation.ENUMERATE || !answer.record) {
          expect(answer).toEqual({ operation: KvpOperation.ENUMERATE, status: IcStatus.NO_MORE_ITEMS });
          break;
        }
        seen.push(answer.record);
      }
      expect(seen).toEqual(records);
    });

    it('random requests survive the round trip', () => {
      const pool = fc.constantFrom(...Object.values(KvpPool));
      const key = fc.string({ maxLength: 255 }).filter((value) => !value.includes('\0'));
      const value: fc.Arbitrary<KvpValue> = fc.oneof(
        fc
          .string({ maxLength: 1023 })
          .filter((s) => !s.includes('\0'))
          .map(text),
        fc.integer({ min: 0, max: 0xffff_ffff }).map((n) => ({ type: KvpValueType.DWORD, value: n } as const)),
      );
      const request: fc.Arbitrary<KvpRequest> = fc.oneof(
        fc.record({ operation: fc.constant(KvpOperation.GET), pool, key }),
        fc.record({ operation: fc.constant(KvpOperation.SET), pool, key, value }),
        fc.record({ operation: fc.constant(KvpOperation.DELETE), pool, key }),
        fc.record({ operation: fc.constant(KvpOperation.ENUMERATE), pool, index: fc.nat() }),
      );
      fc.assert(
        fc.property(request, fc.nat({ max: 255 }), (sent, id) => {
          const bytes = buildKvpRequest(versions, sent, id);
          expect(readKvpRequest(bytes)).toEqual(sent);
          expect(readKvpResponse(answerKvp(bytes, IcStatus.E_FAIL), sent, id).status).toBe(IcStatus.E_FAIL);
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('hostile messages', () => {
    const setBytes = () => buildKvpRequest(versions, set);
    const u32At = (bytes: Uint8Array, offset: number, value: number) =>
      new DataView(bytes.buffer).setUint32(offset, value, true);

    it('an unknown operation or pool is a ProtocolError naming it', () => {
      for (const operation of [4, 5, 100]) {
        const bytes = setBytes();
        bytes[20] = operation;
        expectProtocolError(() => readKvpRequest(bytes), { layout: 'KvpHeader', path: 'operation', offset: 20 });
      }
      const bytes = setBytes();
      bytes[21] = 5;
      expectProtocolError(() => readKvpRequest(bytes), { layout: 'KvpHeader', path: 'pool', offset: 21 });
    });

    it('odd, zero, oversized key sizes are ProtocolErrors naming keySize', () => {
      for (const size of [3, 0, 514, 0x8000_0000]) {
        const bytes = setBytes();
        u32At(bytes, OP_BODY + 4, size);
        expectProtocolError(() => readKvpRequest(bytes), {
          layout: 'KvpExchangeValue',
          path: 'keySize',
          offset: OP_BODY + 4,
        });
      }
    });

    it('a key without its NUL, or with one inside, is a ProtocolError naming key', () => {
      const bytes = setBytes();
      u32At(bytes, OP_BODY + 4, 2);
      expectProtocolError(() => readKvpRequest(bytes), {
        layout: 'KvpExchangeValue',
        path: 'key',
        offset: OP_BODY + 12,
      });
      const inside = buildKvpRequest(versions, { ...set, key: 'AB' });
      inside[OP_BODY + 12] = 0;
      inside[OP_BODY + 13] = 0;
      expectProtocolError(() => readKvpRequest(inside), {
        layout: 'KvpExchangeValue',
        path: 'key',
        offset: OP_BODY + 12,
      });
    });

    it('bad value sizes and types are ProtocolErrors naming them', () => {
      for (const size of [5, 0, 2050]) {
        const bytes = setBytes();
        u32At(bytes, OP_BODY + 8, size);
        expectProtocolError(() => readKvpRequest(bytes), {
          layout: 'KvpExchangeValue',
          path: 'valueSize',
          offset: OP_BODY + 8,
        });
      }
      const bytes = setBytes();
      u32At(bytes, OP_BODY, 7);
      expectProtocolError(() => readKvpRequest(bytes), {
        layout: 'KvpExchangeValue',
        path: 'valueType',
        offset: OP_BODY,
      });
    });

    it('a DELETE key with a bad size is a ProtocolError naming KvpDelete.keySize', () => {
      const bytes = buildKvpRequest(versions, remove);
      u32At(bytes, OP_BODY, 1000);
      expectProtocolError(() => readKvpRequest(bytes), { layout: 'KvpDelete', path: 'keySize', offset: OP_BODY });
      u32At(bytes, OP_BODY, KVP_MAX_KEY_SIZE);
      expectProtocolError(() => readKvpRequest(bytes), { layout: 'KvpDelete', path: 'key', offset: OP_BODY + 4 + 2 });
    });

    it('a body too short for the operation is a ProtocolError naming the field that does not fit', () => {
      const bytes = setBytes().subarray(0, 20 + 100);
      new DataView(bytes.buffer).setUint16(10, 100, true);
      expectProtocolError(() => readKvpRequest(bytes), { layout: 'KvpExchangeValue', path: 'key' });
      const header = setBytes().subarray(0, 22);
      new DataView(header.buffer).setUint16(10, 2, true);
      expectProtocolError(() => readKvpRequest(header), { layout: 'KvpHeader', path: 'padding' });
    });

    it('accepts a body holding just the operation (a DELETE of 520 bytes)', () => {
      const bytes = buildKvpRequest(versions, remove).slice(0, 20 + 520);
      new DataView(bytes.buffer).setUint16(10, 520, true);
      expect(readKvpRequest(bytes)).toEqual(remove);
    });

    it("an answer that does not echo the request's operation, pool or index is a ProtocolError", () => {
      const response = answerKvpEnumerate(buildKvpRequest(versions, enumerate), { key: 'k', value: text('v') });
      expectProtocolError(() => readKvpResponse(response, { ...enumerate, index: 6 }), {
        layout: 'KvpEnumerate',
        path: 'index',
        offset: OP_BODY,
      });
      expectProtocolError(() => readKvpResponse(response, { ...enumerate, pool: KvpPool.GUEST }), {
        layout: 'KvpHeader',
        path: 'pool',
      });
      expectProtocolError(() => readKvpResponse(response, get), { layout: 'KvpHeader', path: 'operation' });
    });

    it('a successful ENUMERATE answer with a malformed record is a ProtocolError naming the field', () => {
      const response = answerKvpEnumerate(buildKvpRequest(versions, enumerate), { key: 'k', value: text('v') });
      u32At(response, ENUMERATED + 4, 7);
      expectProtocolError(() => readKvpResponse(response, enumerate), {
        layout: 'KvpExchangeValue',
        path: 'keySize',
        offset: ENUMERATED + 4,
      });
    });

    it('answering a request with the wrong kind of answer is a ProtocolError naming the operation', () => {
      expectProtocolError(() => answerKvpGet(buildKvpRequest(versions, set), text('x')), {
        layout: 'KvpHeader',
        path: 'operation',
      });
      expectProtocolError(() => answerKvpEnumerate(buildKvpRequest(versions, get), { key: 'k', value: text('x') }), {
        layout: 'KvpHeader',
        path: 'operation',
      });
    });

    it('keys and values that do not fit do not build', () => {
      expect(() => buildKvpRequest(versions, { ...get, key: 'k'.repeat(256) })).toThrow(RangeError);
      expect(() => buildKvpRequest(versions, { ...set, value: text('v'.repeat(1024)) })).toThrow(RangeError);
      expect(() => answerKvpGet(buildKvpRequest(versions, get), text('v'.repeat(1024)))).toThrow(RangeError);
    });

    it('decoding random bytes throws nothing but ProtocolError', () => {
      expectOnlyProtocolErrors([KvpHeader, KvpDelete, KvpEnumerate]);
    });
  });
});

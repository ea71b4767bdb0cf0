import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { expectGolden, expectOnlyProtocolErrors, expectProtocolError, toHex } from '@tsvisor/wire/testing';
import { IcStatus } from './icmsg-header.js';
import { icVersion } from './ic-version.js';
import {
  FILETIME_UNIX_EPOCH,
  TIMESYNC_INTERFACE_ID,
  TIMESYNC_VERSIONS,
  TimeSyncFlag,
  TimeSyncMessage,
  TimeSyncReferenceMessage,
  answerTimeSync,
  buildTimeSyncRequest,
  fileTimeFromUnixMs,
  readTimeSyncRequest,
  readTimeSyncResponse,
  unixMsFromFileTime,
  usesReferenceTime,
  type TimeSyncMessage as V1Sample,
  type TimeSyncReferenceMessage as V4Sample,
} from './timesync.js';

const v4 = { framework: icVersion(3, 0), service: icVersion(4, 0) };
const v3 = { framework: icVersion(3, 0), service: icVersion(3, 0) };

const reference: V4Sample = {
  parentTime: 0x01d9_0000_1234_5678n,
  vmReferenceTime: 0x0000_0001_0000_0002n,
  flags: TimeSyncFlag.SYNC,
  leapFlags: 1,
  stratum: 3,
};

const legacy: V1Sample = {
  parentTime: 0x01d9_0000_1234_5678n,
  childTime: 0n,
  roundTripTime: 0x10n,
  flags: TimeSyncFlag.SAMPLE,
};

describe('time sync (PROTOCOLS.md §5)', () => {
  it('has the interface GUID, versions and flags', () => {
    expect(TIMESYNC_INTERFACE_ID).toBe('9527e630-d0ae-497b-adce-e80ab0175caf');
    expect(TIMESYNC_VERSIONS).toEqual([icVersion(4, 0), icVersion(3, 0), icVersion(1, 0)]);
    expect(TimeSyncFlag).toEqual({ PROBE: 0, SYNC: 1, SAMPLE: 2 });
    expect(usesReferenceTime(icVersion(4, 0))).toBe(true);
    expect(usesReferenceTime(icVersion(3, 0))).toBe(false);
  });

  it('TimeSyncReferenceMessage (v4): golden bytes', () => {
    expectGolden(
      TimeSyncReferenceMessage,
      reference,
      // parenttime               vmreferencetime          flags leap stratum reserved[5]
      '78 56 34 12 00 00 d9 01  02 00 00 00 01 00 00 00  01    01   03      00 00 00 00 00',
    );
  });

  it('TimeSyncMessage (v1, v3): golden bytes', () => {
    expectGolden(
      TimeSyncMessage,
      legacy,
      // parenttime               childtime                roundtriptime            flags reserved[3]
      '78 56 34 12 00 00 d9 01  00 00 00 00 00 00 00 00  10 00 00 00 00 00 00 00  02    00 00 00',
    );
  });

  it('converts between FILETIME and Unix milliseconds', () => {
    expect(FILETIME_UNIX_EPOCH).toBe(116444736000000000n);
    expect(fileTimeFromUnixMs(0)).toBe(FILETIME_UNIX_EPOCH);
    // 2024-01-01T00:00:00Z
    expect(fileTimeFromUnixMs(1_704_067_200_000)).toBe(133_485_408_000_000_000n);
    expect(unixMsFromFileTime(133_485_408_000_000_000n)).toBe(1_704_067_200_000);
    expect(fileTimeFromUnixMs(1.23456)).toBe(FILETIME_UNIX_EPOCH + 12346n);
    expect(unixMsFromFileTime(FILETIME_UNIX_EPOCH + 12345n)).toBeCloseTo(1.2345, 10);
    expect(unixMsFromFileTime(0n)).toBe(-11_644_473_600_000);
    expect(fileTimeFromUnixMs(-11_644_473_600_000)).toBe(0n);
    expect(() => fileTimeFromUnixMs(-11_644_473_600_001)).toThrow(RangeError);
    expect(() => fileTimeFromUnixMs(Number.NaN)).toThrow(RangeError);
    expect(unixMsFromFileTime(0xffff_ffff_ffff_ffffn)).toBeGreaterThan(1_833_029_933_770_955);
    expect(unixMsFromFileTime(0xffff_ffff_ffff_ffffn)).toBeLessThan(1_833_029_933_770_956);
    expect(() => fileTimeFromUnixMs(1_833_029_933_770_956)).toThrow(RangeError);
  });

  it('whole milliseconds survive FILETIME and back', () => {
    fc.assert(
      fc.property(fc.integer({ min: -11_644_473_600_000, max: 1_833_029_933_770_000 }), (ms) => {
        expect(unixMsFromFileTime(fileTimeFromUnixMs(ms))).toBe(ms);
      }),
    );
  });

  it('round trip v4: the guest reads the reference sample and acknowledges with the body echoed', () => {
    const request = buildTimeSyncRequest(v4, reference, 2);
    expect(toHex(request.subarray(0, 20))).toBe('03 00 00 00 04 00 04 00 00 00 18 00 00 00 00 00 02 03 00 00');
    expect(readTimeSyncRequest(request, v4.service)).toEqual(reference);
    const response = answerTimeSync(request, v4.service);
    expect(toHex(response.subarray(20))).toBe(toHex(request.subarray(20)));
    expect(readTimeSyncResponse(response, 2)).toEqual({ status: IcStatus.S_OK });
  });

  it('round trip v3: the three-time sample', () => {
    const request = buildTimeSyncRequest(v3, legacy);
    expect(request.length).toBe(20 + 28);
    expect(readTimeSyncRequest(request, v3.service)).toEqual(legacy);
    expect(readTimeSyncResponse(answerTimeSync(request, v3.service))).toEqual({ status: IcStatus.S_OK });
  });

  it('a sample in the wrong format for the version does not build', () => {
    expect(() => buildTimeSyncRequest(v4, legacy)).toThrow(RangeError);
    expect(() => buildTimeSyncRequest(v3, reference)).toThrow(RangeError);
  });

  it('a v4 body read as v4 must hold all 24 bytes', () => {
    const request = buildTimeSyncRequest(v3, legacy).subarray(0, 20 + 22);
    new DataView(request.buffer).setUint16(10, 22, true);
    expectProtocolError(() => readTimeSyncRequest(request, v4.service), {
      layout: 'TimeSyncReferenceMessage',
      path: 'reserved',
    });
  });

  it('unknown flag bits are a ProtocolError naming flags', () => {
    const request = buildTimeSyncRequest(v4, reference);
    request[36] = 4;
    expectProtocolError(() => readTimeSyncRequest(request, v4.service), {
      layout: 'TimeSyncReferenceMessage',
      path: 'flags',
      offset: 36,
    });
    expectProtocolError(() => answerTimeSync(request, v4.service), {
      layout: 'TimeSyncReferenceMessage',
      path: 'flags',
    });
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([TimeSyncMessage, TimeSyncReferenceMessage]);
  });
});

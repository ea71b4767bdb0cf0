import { describe, it, expect } from 'vitest';
import {
  expectGolden,
  expectOnlyProtocolErrors,
  expectProtocolError,
  hex,
  toHex,
  zeros,
} from '@tsvisor/wire/testing';
import { IcStatus } from './icmsg-header.js';
import { icVersion } from './ic-version.js';
import {
  SHUTDOWN_INTERFACE_ID,
  SHUTDOWN_REASON_PLANNED,
  SHUTDOWN_VERSIONS,
  ShutdownFlag,
  ShutdownMessage,
  answerShutdown,
  buildShutdownRequest,
  readShutdownRequest,
  readShutdownResponse,
  type ShutdownRequest,
} from './shutdown.js';

const versions = { framework: icVersion(3, 0), service: icVersion(3, 2) };

const restart: ShutdownRequest = {
  action: 'restart',
  force: true,
  reasonCode: SHUTDOWN_REASON_PLANNED,
  timeoutSeconds: 30,
  message: 'Bye',
};

describe('shutdown (PROTOCOLS.md §5)', () => {
  it('has the interface GUID, versions and flags', () => {
    expect(SHUTDOWN_INTERFACE_ID).toBe('0e0b6031-5213-4934-818b-38d90ced39db');
    expect(SHUTDOWN_VERSIONS).toEqual([icVersion(3, 2), icVersion(3, 0), icVersion(1, 0)]);
    expect(ShutdownFlag).toEqual({ FORCE: 1, RESTART: 2, HIBERNATE: 4 });
  });

  it('ShutdownMessage: golden bytes (u32 reason, u32 timeout, u32 flags, 2048-byte message)', () => {
    expectGolden(
      ShutdownMessage,
      { reasonCode: 0x8000_0000, timeoutSeconds: 30, flags: 3, message: 'Hi' },
      '00 00 00 80  1e 00 00 00  03 00 00 00  48 00 69 00' + zeros(2044),
    );
    expect(ShutdownMessage.size).toBe(2060);
  });

  it('round trip: the guest reads the typed request and accepts, the host reads S_OK', () => {
    const request = buildShutdownRequest(versions, restart, 4);
    expect(toHex(request.subarray(0, 32))).toBe(
      toHex(hex('03 00 00 00 03 00 03 00 02 00 0c 08 00 00 00 00 04 03 00 00  00 00 00 80 1e 00 00 00 03 00 00 00')),
    );
    expect(readShutdownRequest(request)).toEqual(restart);
    const response = answerShutdown(request, true);
    expect(readShutdownResponse(response, 4)).toEqual({ accepted: true, status: IcStatus.S_OK });
  });

  it('a veto is E_FAIL', () => {
    const response = answerShutdown(buildShutdownRequest(versions, restart), false);
    expect(readShutdownResponse(response)).toEqual({ accepted: false, status: IcStatus.E_FAIL });
  });

  it('reads each action, forced or not', () => {
    for (const action of ['power-off', 'restart', 'hibernate'] as const) {
      for (const force of [false, true]) {
        const request = { ...restart, action, force, message: '' };
        expect(readShutdownRequest(buildShutdownRequest(versions, request))).toEqual(request);
      }
    }
  });

  it('restart with hibernate, or an unknown flag, is a ProtocolError naming flags', () => {
    for (const flags of [6, 7, 8, 0x100]) {
      const request = buildShutdownRequest(versions, restart);
      new DataView(request.buffer).setUint32(28, flags, true);
      expectProtocolError(() => readShutdownRequest(request), { layout: 'ShutdownMessage', path: 'flags', offset: 28 });
      expectProtocolError(() => answerShutdown(request, true), { layout: 'ShutdownMessage', path: 'flags' });
    }
  });

  it('a truncated body is a ProtocolError naming the message field', () => {
    const request = buildShutdownRequest(versions, restart).subarray(0, 100);
    new DataView(request.buffer).setUint16(10, 80, true);
    expectProtocolError(() => readShutdownRequest(request), { layout: 'ShutdownMessage', path: 'message' });
  });

  it('a message longer than 1024 UTF-16 code units does not build', () => {
    expect(() => buildShutdownRequest(versions, { ...restart, message: 'x'.repeat(1025) })).toThrow(
      'ShutdownMessage.message',
    );
    expect(
      readShutdownRequest(buildShutdownRequest(versions, { ...restart, message: 'x'.repeat(1024) })).message,
    ).toHaveLength(1024);
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([ShutdownMessage]);
  });
});

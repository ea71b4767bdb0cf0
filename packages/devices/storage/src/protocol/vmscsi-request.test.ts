import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '@tsvisor/wire';
import { expectGolden, expectOnlyProtocolErrors, expectProtocolError, field, hex } from '@tsvisor/wire/testing';
import { VmscsiDataDirection } from './vmscsi-data-direction.js';
import { SrbFlag } from './srb-flags.js';
import { VstorVersion } from './vstor-version.js';
import {
  VMSCSI_CDB_SIZE,
  VMSCSI_REQUEST_SIZE,
  VMSCSI_REQUEST_SIZE_PRE_WIN8,
  VMSCSI_SENSE_SIZE,
  VmscsiRequest,
  checkVmscsiRequest,
  vmscsiRequestLength,
} from './vmscsi-request.js';

/** A READ(10) of 8 blocks at LBA 0x1234 on LUN 2, as Linux storvsc sends it. */
const READ_REQUEST: VmscsiRequest = {
  length: 52,
  srbStatus: 0,
  scsiStatus: 0,
  portNumber: 1,
  pathId: 0,
  targetId: 0,
  lun: 2,
  cdbLength: 10,
  senseInfoLength: 20,
  dataIn: VmscsiDataDirection.READ,
  dataTransferLength: 4096,
  cdbOrSense: field('28 00 00 00 12 34 00 00 08 00', 20),
  queueTag: 0x11,
  queueAction: 0x20,
  srbFlags: SrbFlag.DATA_IN | SrbFlag.DISABLE_SYNCH_TRANSFER | SrbFlag.QUEUE_ACTION_ENABLE,
  timeoutValue: 60,
  queueSortKey: 0x01020304,
};

// length srb scsi port path target lun cdblen senselen data_in rsvd  data_transfer_length
const READ_HEAD = '34 00  00  00   01   00   00     02  0a     14       01      00    00 10 00 00';
//  cdb (16) / sense (20)                                       rsvd  tag act  srb_flags    timeout      sort_key
const READ_TAIL =
  '28 00 00 00 12 34 00 00 08 00 00 00 00 00 00 00 00 00 00 00  00 00 11  20   4a 00 00 00  3c 00 00 00  04 03 02 01';

/** The golden request with byte `at` set to `value`. */
function readRequestWith(at: number, value: number): Uint8Array {
  const bytes = hex(READ_HEAD + READ_TAIL);
  bytes[at] = value;
  return bytes;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

describe('vmscsi_request (PROTOCOLS.md §3)', () => {
  it('has the sizes of the Linux driver', () => {
    expect([VMSCSI_REQUEST_SIZE, VMSCSI_REQUEST_SIZE_PRE_WIN8, VMSCSI_CDB_SIZE, VMSCSI_SENSE_SIZE]).toEqual([52, 36, 16, 20]);
    expect(VmscsiDataDirection).toEqual({ WRITE: 0, READ: 1, NONE: 2 });
    expect(vmscsiRequestLength(VstorVersion.WIN10)).toBe(52);
    expect(vmscsiRequestLength(VstorVersion.WIN8)).toBe(52);
    expect(vmscsiRequestLength(VstorVersion.WIN7)).toBe(36);
  });

  it('VmscsiRequest: golden bytes, with the CDB/sense union at offset 16', () => {
    expectGolden(VmscsiRequest, READ_REQUEST, READ_HEAD + READ_TAIL);
    expect(VmscsiRequest.offsetOf('cdbOrSense')).toBe(16);
    expect(VmscsiRequest.offsetOf('queueTag')).toBe(38);
    expect(VmscsiRequest.offsetOf('srbFlags')).toBe(40);
    expect(VmscsiRequest.offsetOf('queueSortKey')).toBe(48);
  });

  it('a completion carries 20 bytes of sense data in the union', () => {
    const completion: VmscsiRequest = {
      ...READ_REQUEST,
      srbStatus: 0x84,
      scsiStatus: 2,
      senseInfoLength: 18,
      dataTransferLength: 0,
      cdbOrSense: field('70 00 05 00 00 00 00 0a 00 00 00 00 21 00 00 00 00 00 ee ff', 20),
    };
    expectGolden(
      VmscsiRequest,
      completion,
      '34 00 84 02 01 00 00 02 0a 12 01 00 00 00 00 00' +
        '70 00 05 00 00 00 00 0a 00 00 00 00 21 00 00 00 00 00 ee ff' +
        '00 00 11 20 4a 00 00 00 3c 00 00 00 04 03 02 01',
    );
  });

  it('accepts the 36-byte length of senders before protocol 5.1', () => {
    expect(VmscsiRequest.decode(readRequestWith(0, 36)).length).toBe(36);
    expect(() => checkVmscsiRequest(view(readRequestWith(0, 36)), 0)).not.toThrow();
  });

  it('a truncated request is a ProtocolError naming the first field that does not fit', () => {
    const truncated = hex(READ_HEAD + READ_TAIL).subarray(0, 50);
    expectProtocolError(() => VmscsiRequest.decode(truncated), { layout: 'VmscsiRequest', path: 'queueSortKey', offset: 48 });
    expectProtocolError(() => checkVmscsiRequest(view(truncated), 0), { layout: 'VmscsiRequest', path: 'queueSortKey' });
    expectProtocolError(() => checkVmscsiRequest(view(hex(READ_HEAD)), 0), { layout: 'VmscsiRequest', path: 'cdbOrSense' });
  });

  it('bad lengths are ProtocolErrors naming the field', () => {
    const cases: Array<[at: number, value: number, path: string]> = [
      [0, 40, 'length'],
      [0, 0, 'length'],
      [8, 17, 'cdbLength'],
      [8, 0xff, 'cdbLength'],
      [9, 21, 'senseInfoLength'],
      [10, 3, 'dataIn'],
      [10, 0xff, 'dataIn'],
    ];
    for (const [at, value, path] of cases) {
      const bytes = readRequestWith(at, value);
      expectProtocolError(() => VmscsiRequest.decode(bytes), { layout: 'VmscsiRequest', path, offset: at });
      expectProtocolError(() => checkVmscsiRequest(view(bytes), 0), { layout: 'VmscsiRequest', path, offset: at });
    }
    expect(() => VmscsiRequest.decode(readRequestWith(8, 16))).not.toThrow();
    expect(() => VmscsiRequest.decode(readRequestWith(9, 20))).not.toThrow();
  });

  it('checks a request in place exactly as decoding it does', () => {
    const mutated = fc
      .tuple(fc.array(fc.tuple(fc.nat({ max: 60 }), fc.nat({ max: 255 })), { maxLength: 3 }), fc.nat({ max: 60 }), fc.nat({ max: 8 }))
      .map(([edits, cut, offset]) => {
        const bytes = new Uint8Array(offset + 52);
        bytes.set(hex(READ_HEAD + READ_TAIL), offset);
        for (const [at, value] of edits) if (offset + at < bytes.length) bytes[offset + at] = value;
        return { bytes: bytes.subarray(0, offset + cut), offset };
      });
    fc.assert(
      fc.property(mutated, ({ bytes, offset }) => {
        const decoded = errorOf(() => VmscsiRequest.decode(bytes, offset));
        const checked = errorOf(() => checkVmscsiRequest(view(bytes), offset));
        expect(checked?.path).toBe(decoded?.path);
        expect(checked?.offset).toBe(decoded?.offset);
      }),
      { numRuns: 500 },
    );
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([VmscsiRequest]);
  });
});

/** The ProtocolError `action` throws, or undefined if it returns. */
function errorOf(action: () => unknown): ProtocolError | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  return undefined;
}

import { describe, expect, it } from 'vitest';
import { SERVICE_ACTION_READ_CAPACITY_16, ScsiOpcode, cdbLengthOf } from './scsi-opcode.js';
import { ScsiStatus } from './scsi-status.js';
import { SRB_STATUS_AUTOSENSE_VALID, SRB_STATUS_QUEUE_FROZEN, SrbStatus, srbStatusCode } from './srb-status.js';
import { SrbFlag } from './srb-flags.js';
import { ModePage, VpdPage } from './scsi-page-code.js';

describe('SCSI and SRB codes', () => {
  it('has the SRB status codes and flags of storvsp', () => {
    expect(SrbStatus).toMatchObject({ SUCCESS: 1, ABORTED: 2, ERROR: 4, INVALID_REQUEST: 6, DATA_OVERRUN: 0x12, INVALID_LUN: 0x20, INTERNAL_ERROR: 0x30 });
    expect(SRB_STATUS_AUTOSENSE_VALID).toBe(0x80);
    expect(srbStatusCode(SrbStatus.ERROR | SRB_STATUS_AUTOSENSE_VALID | SRB_STATUS_QUEUE_FROZEN)).toBe(SrbStatus.ERROR);
    expect(SrbFlag).toMatchObject({ DATA_IN: 0x40, DATA_OUT: 0x80, DISABLE_SYNCH_TRANSFER: 0x08 });
  });

  it('has the SCSI status codes, operation codes and page codes of SPC-4 and SBC-3', () => {
    expect(ScsiStatus).toMatchObject({ GOOD: 0, CHECK_CONDITION: 2 });
    expect(ScsiOpcode).toMatchObject({ INQUIRY: 0x12, READ_10: 0x28, WRITE_16: 0x8a, UNMAP: 0x42, REPORT_LUNS: 0xa0, SERVICE_ACTION_IN_16: 0x9e });
    expect(SERVICE_ACTION_READ_CAPACITY_16).toBe(0x10);
    expect(VpdPage).toEqual({
      SUPPORTED_PAGES: 0,
      UNIT_SERIAL_NUMBER: 0x80,
      DEVICE_IDENTIFICATION: 0x83,
      BLOCK_LIMITS: 0xb0,
      BLOCK_DEVICE_CHARACTERISTICS: 0xb1,
      LOGICAL_BLOCK_PROVISIONING: 0xb2,
    });
    expect(ModePage).toEqual({ CACHING: 0x08, ALL: 0x3f });
  });

  it('tells the CDB length from the operation code group', () => {
    expect(cdbLengthOf(ScsiOpcode.READ_6)).toBe(6);
    expect(cdbLengthOf(ScsiOpcode.READ_10)).toBe(10);
    expect(cdbLengthOf(ScsiOpcode.MODE_SENSE_10)).toBe(10);
    expect(cdbLengthOf(ScsiOpcode.READ_16)).toBe(16);
    expect(cdbLengthOf(ScsiOpcode.READ_12)).toBe(12);
    expect(cdbLengthOf(0x7f)).toBe(0);
    expect(cdbLengthOf(0xc0)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { expectGolden, expectOnlyProtocolErrors, expectProtocolError, field, hex, toHex } from '@tsvisor/wire/testing';
import {
  AdditionalSense,
  FIXED_SENSE_CURRENT,
  FIXED_SENSE_LENGTH,
  FixedSenseData,
  SenseKey,
  senseKeyOf,
  writeFixedSense,
} from './sense-data.js';

describe('fixed-format sense data (SPC-4 §4.5.3)', () => {
  it('has the sense keys and additional sense codes of SPC-4', () => {
    expect(SenseKey.ILLEGAL_REQUEST).toBe(5);
    expect(SenseKey.DATA_PROTECT).toBe(7);
    expect(AdditionalSense.INVALID_COMMAND_OPERATION_CODE).toBe(0x2000);
    expect(AdditionalSense.LBA_OUT_OF_RANGE).toBe(0x2100);
    expect(AdditionalSense.INVALID_FIELD_IN_CDB).toBe(0x2400);
    expect(AdditionalSense.WRITE_PROTECTED).toBe(0x2700);
  });

  it('FixedSenseData: golden bytes, big-endian', () => {
    expectGolden(
      FixedSenseData,
      {
        responseCode: 0xf0,
        flagsAndSenseKey: SenseKey.MEDIUM_ERROR,
        information: 0x12345678,
        additionalLength: 10,
        commandSpecificInformation: 0,
        additionalSenseCode: 0x11,
        additionalSenseCodeQualifier: 0x00,
        fieldReplaceableUnitCode: 0,
        senseKeySpecific: field('', 3),
      },
      // code  obs  key  information   len  cmd-specific  asc  ascq fru  sense-key-specific
      'f0     00   03   12 34 56 78   0a   00 00 00 00   11   00   00   00 00 00',
    );
    expect(senseKeyOf(0xe5)).toBe(5);
  });

  it('writes current sense data with the key and the ASC/ASCQ, as much as fits', () => {
    const sense = new Uint8Array(20).fill(0xee);
    expect(writeFixedSense(sense, SenseKey.ILLEGAL_REQUEST, AdditionalSense.LBA_OUT_OF_RANGE)).toBe(FIXED_SENSE_LENGTH);
    expect(toHex(sense)).toBe('70 00 05 00 00 00 00 0a 00 00 00 00 21 00 00 00 00 00 ee ee');
    const short = new Uint8Array(8);
    expect(writeFixedSense(short, SenseKey.DATA_PROTECT, AdditionalSense.WRITE_PROTECTED)).toBe(8);
    expect(toHex(short)).toBe('70 00 07 00 00 00 00 0a');
    expect(FixedSenseData.decode(sense)).toMatchObject({ responseCode: FIXED_SENSE_CURRENT, additionalSenseCode: 0x21 });
  });

  it('descriptor-format sense data is a ProtocolError naming responseCode', () => {
    expectProtocolError(() => FixedSenseData.decode(hex('72 05 24 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00')), {
      layout: 'FixedSenseData',
      path: 'responseCode',
      offset: 0,
    });
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([FixedSenseData]);
  });
});

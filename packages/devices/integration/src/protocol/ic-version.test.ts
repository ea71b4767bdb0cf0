import { describe, it, expect } from 'vitest';
import { expectGolden } from '@tsvisor/wire/testing';
import {
  IcVersion,
  compareIcVersions,
  formatIcVersion,
  icVersion,
  isSameIcVersion,
  newestIcVersion,
} from './ic-version.js';

describe('IC versions (PROTOCOLS.md §5)', () => {
  it('IcVersion: golden bytes (u16 major, u16 minor)', () => {
    expectGolden(IcVersion, { major: 3, minor: 2 }, '03 00 02 00');
    expectGolden(IcVersion, { major: 0x1234, minor: 0xffff }, '34 12 ff ff');
  });

  it('orders versions major first, then minor', () => {
    expect(compareIcVersions(icVersion(3, 2), icVersion(3, 0))).toBeGreaterThan(0);
    expect(compareIcVersions(icVersion(3, 0), icVersion(4, 0))).toBeLessThan(0);
    expect(compareIcVersions(icVersion(1, 9), icVersion(3, 0))).toBeLessThan(0);
    expect(compareIcVersions(icVersion(3, 0), icVersion(3, 0))).toBe(0);
    expect(isSameIcVersion(icVersion(3, 1), icVersion(3, 1))).toBe(true);
    expect(isSameIcVersion(icVersion(3, 1), icVersion(1, 3))).toBe(false);
  });

  it('formats as major.minor', () => {
    expect(formatIcVersion(icVersion(3, 2))).toBe('3.2');
    expect(formatIcVersion(icVersion(10, 0))).toBe('10.0');
  });

  it('finds the newest version of a list, in any order', () => {
    expect(newestIcVersion([icVersion(1, 0), icVersion(3, 2), icVersion(3, 0)])).toEqual(icVersion(3, 2));
    expect(newestIcVersion([])).toBeUndefined();
  });

  it('rejects numbers that do not fit a u16', () => {
    expect(() => icVersion(65536, 0)).toThrow(RangeError);
    expect(() => icVersion(1, -1)).toThrow(RangeError);
    expect(() => icVersion(1.5, 0)).toThrow(RangeError);
  });
});

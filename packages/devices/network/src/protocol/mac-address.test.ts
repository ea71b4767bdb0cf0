import { describe, expect, it } from 'vitest';
import { AddressFormatError } from './address-format-error.js';
import { BROADCAST_MAC, formatMac, isGroupMac, macAddress, readMac, writeMac } from './mac-address.js';

describe('MAC addresses', () => {
  it('parse, format, read and write all 48 bits', () => {
    const mac = macAddress('F2-01-23-45-67-89');
    expect(mac).toBe(0xf2_01_23_45_67_89);
    expect(formatMac(mac)).toBe('f2:01:23:45:67:89');
    expect(formatMac(mac, 'hyper-v')).toBe('F2-01-23-45-67-89');
    const bytes = new Uint8Array(8);
    writeMac(bytes, 1, mac);
    expect([...bytes]).toEqual([0, 0xf2, 0x01, 0x23, 0x45, 0x67, 0x89, 0]);
    expect(readMac(bytes, 1)).toBe(mac);
  });

  it('tell group addresses by the I/G bit', () => {
    expect(isGroupMac(BROADCAST_MAC)).toBe(true);
    expect(isGroupMac(macAddress('01:00:5e:00:00:01'))).toBe(true);
    expect(isGroupMac(macAddress('02:00:5e:00:00:01'))).toBe(false);
  });

  it('refuse text that is not six octets with one separator', () => {
    for (const text of ['02:00:00:00:00', '02:00:00-00:00:00', '02:00:00:00:00:0g', '']) {
      expect(() => macAddress(text)).toThrow(AddressFormatError);
    }
  });
});

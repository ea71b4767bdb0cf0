import { describe, expect, it } from 'vitest';
import { AddressFormatError } from '../../protocol/address-format-error.js';
import { formatIpv4, ipv4Address, isMulticastOrReserved, readIpv4, writeIpv4 } from './ipv4-address.js';

describe('IPv4 addresses', () => {
  it('parse, format, read and write as unsigned 32-bit numbers', () => {
    const address = ipv4Address('192.168.200.7');
    expect(address).toBe(0xc0a8c807);
    expect(formatIpv4(address)).toBe('192.168.200.7');
    const bytes = new Uint8Array(4);
    writeIpv4(bytes, 0, address);
    expect([...bytes]).toEqual([192, 168, 200, 7]);
    expect(readIpv4(bytes, 0)).toBe(address);
  });

  it('tell multicast and reserved addresses', () => {
    expect(isMulticastOrReserved(ipv4Address('224.0.0.1'))).toBe(true);
    expect(isMulticastOrReserved(ipv4Address('255.255.255.255'))).toBe(true);
    expect(isMulticastOrReserved(ipv4Address('223.255.255.255'))).toBe(false);
  });

  it('refuse text that is not four octets', () => {
    for (const text of ['10.0.0', '10.0.0.256', '10.0.0.1.', ' 10.0.0.1', 'a.b.c.d']) {
      expect(() => ipv4Address(text)).toThrow(AddressFormatError);
    }
  });
});

import { hex } from '@tsvisor/wire/testing';
import { describe, expect, it } from 'vitest';
import { addWords, finishChecksum, internetChecksum } from './internet-checksum.js';

describe('the Internet checksum', () => {
  it('gives the sum of RFC 1071 §3 worked example', () => {
    // 0001 + f203 + f4f5 + f6f7 = 2ddf0, folded ddf2, complemented 220d
    const bytes = hex('00 01 f2 03 f4 f5 f6 f7');
    expect(addWords(bytes, 0, bytes.length)).toBe(0x2ddf0);
    expect(internetChecksum(bytes, 0, bytes.length)).toBe(0x220d);
  });

  it('gives b861 for the well-known IPv4 header 192.168.0.1 → 192.168.0.199', () => {
    const header = hex('45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7');
    expect(internetChecksum(header, 0, header.length)).toBe(0xb861);
    header.set([0xb8, 0x61], 10);
    expect(internetChecksum(header, 0, header.length)).toBe(0);
  });

  it('pads an odd last byte with zero', () => {
    expect(internetChecksum(hex('ab'), 0, 1)).toBe(internetChecksum(hex('ab 00'), 0, 2));
  });

  it('folds carries many times over', () => {
    expect(finishChecksum(0xffff * 0x10001)).toBe(0);
  });
});

import { describe, it, expect } from 'vitest';
import { expectGolden, expectOnlyProtocolErrors, zeros } from '@tsvisor/wire/testing';
import { RING_FEATURE_PENDING_SEND_SIZE, RingControl, RingControlOffset } from './ring-control.js';

describe('ring control page (PROTOCOLS.md §1)', () => {
  it('offset constants match the layout', () => {
    expect(RingControl.size).toBe(68);
    expect(RingControl.offsetOf('writeIndex')).toBe(RingControlOffset.WRITE_INDEX);
    expect(RingControl.offsetOf('readIndex')).toBe(RingControlOffset.READ_INDEX);
    expect(RingControl.offsetOf('interruptMask')).toBe(RingControlOffset.INTERRUPT_MASK);
    expect(RingControl.offsetOf('pendingSendSize')).toBe(RingControlOffset.PENDING_SEND_SIZE);
    expect(RingControl.offsetOf('featureBits')).toBe(RingControlOffset.FEATURE_BITS);
    expect(RING_FEATURE_PENDING_SEND_SIZE).toBe(1);
  });

  it('RingControl: golden bytes', () => {
    expectGolden(
      RingControl,
      {
        writeIndex: 0x100,
        readIndex: 0x80,
        interruptMask: 1,
        pendingSendSize: 0x2000,
        featureBits: RING_FEATURE_PENDING_SEND_SIZE,
      },
      `00 01 00 00 80 00 00 00 01 00 00 00 00 20 00 00 ${zeros(48)} 01 00 00 00`,
    );
  });

  it('decoding random bytes throws nothing but ProtocolError', () => {
    expectOnlyProtocolErrors([RingControl]);
  });
});

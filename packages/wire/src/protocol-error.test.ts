import { describe, it, expect } from 'vitest';
import { ProtocolError } from './index.js';

describe('ProtocolError', () => {
  it('is an Error named ProtocolError', () => {
    const error = new ProtocolError('bad bytes');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProtocolError');
    expect(String(error)).toBe('ProtocolError: bad bytes');
  });

  it('starts its message with the layout and field path when they are known', () => {
    const error = new ProtocolError('read past the end of the buffer (offset 8, needs 8 bytes, 4 available)', {
      layout: 'PacketDescriptor',
      path: 'transactionId',
      offset: 8,
    });
    expect(error.message).toBe(
      'PacketDescriptor.transactionId: read past the end of the buffer (offset 8, needs 8 bytes, 4 available)',
    );
    expect(error).toMatchObject({ layout: 'PacketDescriptor', path: 'transactionId', offset: 8 });
  });

  it('names whichever of the layout and the path it knows', () => {
    expect(new ProtocolError('oops', { layout: 'Offer' }).message).toBe('Offer: oops');
    expect(new ProtocolError('oops', { path: 'offer.interfaceType' }).message).toBe('offer.interfaceType: oops');
  });

  it('leaves unknown details undefined', () => {
    expect(new ProtocolError('oops')).toMatchObject({ layout: undefined, path: undefined, offset: undefined });
  });
});

import fc from 'fast-check';
import { describe, it, expect, expectTypeOf } from 'vitest';
import { ProtocolError, array, oneOf, struct, u8, u16, u32, u64, type Infer } from './index.js';
import { anyLayout } from './test-fixtures/random-layouts.js';
import { thrownBy } from './testing/golden.js';
import { ChannelOffer, OfferChannel, PacketDescriptor, SynicMessageHeader } from './test-fixtures/vmbus-layouts.js';

const hex = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');

describe('struct: golden bytes of VMBus layouts', () => {
  it('lays out the 16-byte packet descriptor', () => {
    const packet = { type: 6, dataOffset8: 2, length8: 10, flags: 1, transactionId: 0x0102030405060708n };
    const wire = PacketDescriptor.encode(packet);
    expect(PacketDescriptor.size).toBe(16);
    expect(hex(wire)).toBe('06 00 02 00 0a 00 01 00 08 07 06 05 04 03 02 01');
    expect(PacketDescriptor.decode(wire)).toEqual(packet);
  });

  it('infers the value type from the declaration', () => {
    expectTypeOf<Infer<typeof PacketDescriptor>>().toEqualTypeOf<{
      type: number;
      dataOffset8: number;
      length8: number;
      flags: number;
      transactionId: bigint;
    }>();
  });

  it('lays out the 16-byte SynIC message header, zeroing its reserved bytes', () => {
    const header = { messageType: 0x80000001, payloadSize: 240, flags: 1, sender: 0x1122334455667788n };
    const view = new DataView(new Uint8Array(16).fill(0xff).buffer);
    SynicMessageHeader.write(view, 0, header);
    expect(hex(new Uint8Array(view.buffer))).toBe('01 00 00 80 f0 01 00 00 88 77 66 55 44 33 22 11');
    expect(SynicMessageHeader.read(view)).toEqual(header);
  });

  describe('the 196-byte VMBus offer message', () => {
    const userDefined = Uint8Array.from({ length: 120 }, (_, index) => index + 1);
    const offer = {
      msgtype: 1,
      offer: {
        interfaceType: 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f',
        interfaceInstance: '00112233-4455-6677-8899-aabbccddeeff',
        channelFlags: 0x2000,
        mmioMegabytes: 0,
        userDefined,
        subChannelIndex: 3,
      },
      childRelid: 0x0e,
      monitorId: 0x81,
      monitorAllocated: 1,
      isDedicatedInterrupt: 1,
      connectionId: 0x0001_000e,
    } as const;

    it('has the sizes and offsets of the C declaration', () => {
      expect(ChannelOffer.size).toBe(176);
      expect(OfferChannel.size).toBe(196);
      expect(OfferChannel.offsetOf('offer')).toBe(8);
      expect(ChannelOffer.offsetOf('interfaceInstance')).toBe(16);
      expect(ChannelOffer.offsetOf('channelFlags')).toBe(48);
      expect(ChannelOffer.offsetOf('userDefined')).toBe(52);
      expect(ChannelOffer.offsetOf('subChannelIndex')).toBe(172);
      expect(OfferChannel.offsetOf('childRelid')).toBe(184);
      expect(OfferChannel.offsetOf('monitorId')).toBe(188);
      expect(OfferChannel.offsetOf('monitorAllocated')).toBe(189);
      expect(OfferChannel.offsetOf('isDedicatedInterrupt')).toBe(190);
      expect(OfferChannel.offsetOf('connectionId')).toBe(192);
    });

    it('encodes to the hand-computed bytes', () => {
      const expected = new Uint8Array(196);
      expected.set([0x01, 0, 0, 0], 0); // msgtype, then 4 bytes of padding
      // interfaceType, then interfaceInstance
      expected.set([0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d, 0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f], 8);
      expected.set([0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff], 24);
      expected.set([0x00, 0x20, 0x00, 0x00], 56); // channelFlags, mmioMegabytes (after 16 reserved bytes)
      expected.set(userDefined, 60);
      expected.set([0x03, 0x00, 0x00, 0x00], 180); // subChannelIndex, reserved3
      // childRelid, monitorId, monitorAllocated, isDedicatedInterrupt, connectionId
      expected.set([0x0e, 0, 0, 0, 0x81, 0x01, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00], 184);
      expect(hex(OfferChannel.encode(offer))).toBe(hex(expected));
    });

    it('decodes back to the same offer', () => {
      expect(OfferChannel.decode(OfferChannel.encode(offer))).toEqual(offer);
    });

    it('gives offsets that hot paths can use through DataView directly', () => {
      const view = new DataView(OfferChannel.encode(offer).buffer);
      expect(view.getUint32(OfferChannel.offsetOf('childRelid'), true)).toBe(0x0e);
      expect(view.getUint16(OfferChannel.offsetOf('offer') + ChannelOffer.offsetOf('subChannelIndex'), true)).toBe(3);
    });
  });
});

describe('struct: conveniences', () => {
  it('encodes into a new array of exactly its size', () => {
    const wire = PacketDescriptor.encode({ type: 0, dataOffset8: 0, length8: 0, flags: 0, transactionId: 0n });
    expect(wire).toBeInstanceOf(Uint8Array);
    expect(wire.length).toBe(16);
  });

  it('decodes at an offset relative to the array, even a subarray', () => {
    const wire = new Uint8Array(40);
    wire.set([6, 0, 2, 0, 10, 0, 1, 0, 8, 7, 6, 5, 4, 3, 2, 1], 12);
    const packet = PacketDescriptor.decode(wire.subarray(10), 2);
    expect(packet).toEqual({ type: 6, dataOffset8: 2, length8: 10, flags: 1, transactionId: 0x0102030405060708n });
  });
});

describe('struct: bounds', () => {
  it('names the first field that does not fit when reading past the end', () => {
    const error = thrownBy(() => PacketDescriptor.read(new DataView(new ArrayBuffer(12))));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({
      message: 'PacketDescriptor.transactionId: read past the end of the buffer (offset 8, needs 8 bytes, 4 available)',
      layout: 'PacketDescriptor',
      path: 'transactionId',
      offset: 8,
    });
  });

  it('checks the whole record at the given offset, and when writing too', () => {
    const view = new DataView(new ArrayBuffer(16));
    const packet = { type: 6, dataOffset8: 2, length8: 10, flags: 1, transactionId: 1n };
    expect(thrownBy(() => PacketDescriptor.write(view, 6, packet))).toMatchObject({
      message:
        'PacketDescriptor.transactionId: write past the end of the buffer (offset 14, needs 8 bytes, 2 available)',
      path: 'transactionId',
    });
    expect(new Uint8Array(view.buffer).every((byte) => byte === 0)).toBe(true);
  });

  it('names the first field when the offset is past the end of the buffer', () => {
    expect(thrownBy(() => PacketDescriptor.read(new DataView(new ArrayBuffer(16)), 20))).toMatchObject({
      message: 'PacketDescriptor.type: read past the end of the buffer (offset 20, needs 2 bytes, 0 available)',
    });
  });

  it('reports the nested path of a field inside a nested struct', () => {
    expect(thrownBy(() => OfferChannel.decode(new Uint8Array(12)))).toMatchObject({
      message:
        'OfferChannel.offer.interfaceType: read past the end of the buffer (offset 8, needs 16 bytes, 4 available)',
      layout: 'OfferChannel',
      path: 'offer.interfaceType',
    });
  });

  it('reports the index of an array element that does not fit', () => {
    const Table = struct('Table', { count: u32, entries: array(struct('Entry', { key: u32, value: u32 }), 4) });
    expect(thrownBy(() => Table.decode(new Uint8Array(24)))).toMatchObject({
      path: 'entries[2].value',
      offset: 24,
      message: 'Table.entries[2].value: read past the end of the buffer (offset 24, needs 4 bytes, 0 available)',
    });
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['not a number', NaN],
  ])('rejects a %s offset, naming the layout and its first field', (_, offset) => {
    const view = new DataView(new ArrayBuffer(64));
    const packet = { type: 6, dataOffset8: 2, length8: 10, flags: 1, transactionId: 1n };
    for (const error of [
      thrownBy(() => PacketDescriptor.read(view, offset)),
      thrownBy(() => PacketDescriptor.write(view, offset, packet)),
    ]) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ layout: 'PacketDescriptor', path: 'type', offset });
      expect((error as ProtocolError).message).toMatch(/not a non-negative integer/);
    }
  });
});

describe('struct: decoding untrusted bytes', () => {
  const VmbusPacket = struct('VmbusPacket', {
    type: oneOf(u16, [6, 7, 8, 9, 11]),
    dataOffset8: u16,
    length8: u16,
    flags: oneOf(u16, [0, 1]),
    transactionId: u64,
  });

  it('yields a value or a ProtocolError that names the offending field and value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (wire) => {
        try {
          VmbusPacket.decode(wire);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          const { path, message } = error as ProtocolError;
          const value = new DataView(wire.buffer).getUint16(path === 'type' ? 0 : 6, true);
          expect(message).toMatch(new RegExp(`^VmbusPacket\\.(type|flags): unknown value ${value},`));
        }
      }),
    );
  });

  it('never throws anything but ProtocolError, whatever the layout, bytes and offset', () => {
    const offsets = fc.oneof(fc.integer({ min: -4, max: 300 }), fc.double());
    fc.assert(
      fc.property(anyLayout, fc.uint8Array({ maxLength: 300 }), offsets, ({ layout }, wire, offset) => {
        try {
          layout.decode(wire, offset);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});

describe('struct: declaration', () => {
  it('keeps the declaration order of fields', () => {
    const Reversed = struct('Reversed', { b: u8, a: u16 });
    expect(Reversed.offsetOf('b')).toBe(0);
    expect(Reversed.offsetOf('a')).toBe(1);
  });

  it('refuses integer-like field names, which JavaScript would reorder', () => {
    expect(() => struct('Bad', { name: u8, 0: u8 })).toThrow(TypeError);
  });

  it('refuses offsetOf a field it does not have', () => {
    expect(() => PacketDescriptor.offsetOf('nope' as never)).toThrow(RangeError);
  });
});

import { runInContext } from 'node:vm';
import { describe, it, expect } from 'vitest';
import type * as Wire from './index.js';
import { createGuestRealm, loadIntoGuestRealm } from './testing/guest-realm.js';

const guestRealm = createGuestRealm;
const loadWire = (realm: ReturnType<typeof createGuestRealm>): typeof Wire => loadIntoGuestRealm(realm, new URL('./index.ts', import.meta.url)) as typeof Wire;

describe('on the guest side', () => {
  const realm = guestRealm();
  const wire = loadWire(realm);

  it('runs in a realm without host globals or code generation', () => {
    for (const name of ['Buffer', 'TextEncoder', 'TextDecoder', 'process', 'console', 'setTimeout', 'require']) {
      expect(runInContext(`typeof ${name}`, realm)).toBe('undefined');
    }
    expect(() => runInContext('eval("1")', realm)).toThrow();
    expect(() => runInContext('new Function("return 1")', realm)).toThrow();
  });

  it('reads and writes every field type', () => {
    const { struct, array, bytes, guid, i32, oneOf, reserved, u8, u16, u16be, u32, u32be, u64, u64be, utf16 } = wire;
    const Everything = struct('Everything', {
      a: u8,
      b: u16,
      c: u32,
      d: i32,
      e: u64,
      f: u16be,
      g: u32be,
      h: u64be,
      id: guid,
      raw: bytes(3),
      text: utf16(6),
      list: array(struct('Item', { kind: oneOf(u8, [1, 2]) }), 2),
      padding: reserved(2),
    });
    const value = {
      a: 1,
      b: 2,
      c: 3,
      d: -4,
      e: 5n,
      f: 6,
      g: 7,
      h: 8n,
      id: 'ba6163d9-04a1-4d29-b605-72e2ffb1dc7f',
      raw: new Uint8Array([9, 10, 11]),
      text: 'guest',
      list: [{ kind: 1 as const }, { kind: 2 as const }],
    };
    const decoded = Everything.decode(Everything.encode(value));
    // The decoded arrays belong to the guest realm: clone them into this one to compare.
    expect(structuredClone(decoded)).toEqual(value);
  });

  it('reports protocol errors, computes CRC-32C and converts GUIDs', () => {
    const Header = wire.struct('Header', { type: wire.u16, length: wire.u32 });
    expect(() => Header.decode(new Uint8Array(4))).toThrow(wire.ProtocolError);
    expect(() => Header.encode({ type: 1, length: -1 })).toThrow('Header.length: u32 cannot hold -1');
    expect(wire.crc32c(Uint8Array.from('123456789', (char) => char.charCodeAt(0)))).toBe(0xe3069283);
    const text = '{BA6163D9-04A1-4D29-B605-72E2FFB1DC7F}';
    expect(wire.formatGuid(wire.parseGuid(text))).toBe('ba6163d9-04a1-4d29-b605-72e2ffb1dc7f');
  });
});

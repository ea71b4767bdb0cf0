import fc from 'fast-check';
import { expect } from 'vitest';
import { ProtocolError, type Layout } from '@tsvisor/wire';

/** Bytes from hex text; whitespace is ignored. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})*$/i.test(digits)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Lowercase hex text of `bytes`, one space between bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/** `count` zero bytes as hex text. */
export function zeros(count: number): string {
  return ' 00'.repeat(count);
}

/** Encodes `value` and checks the bytes against `expected`, then decodes them back to `value`. */
export function expectGolden<T>(layout: Layout<T>, value: T, expected: string): void {
  const wire = hex(expected);
  expect(layout.size).toBe(wire.length);
  expect(toHex(layout.encode(value))).toBe(toHex(wire));
  expect(layout.decode(wire)).toEqual(value);
}

/** Property: decoding arbitrary bytes at an arbitrary offset throws nothing but `ProtocolError`. */
export function expectOnlyProtocolErrors(layouts: readonly Layout<unknown>[]): void {
  for (const layout of layouts) {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: layout.size * 2 + 8 }),
        fc.integer({ min: -2, max: layout.size + 8 }),
        (wire, offset) => {
          try {
            layout.decode(wire, offset);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 200 },
    );
  }
}

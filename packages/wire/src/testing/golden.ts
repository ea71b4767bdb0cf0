import fc from 'fast-check';
import { expect } from 'vitest';
import { ProtocolError } from '../protocol-error.js';
import type { Layout } from '../struct.js';

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

/** The bytes of `text` (hex) followed by zeros up to `size` bytes: a fixed-size field's value. */
export function field(text: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(hex(text));
  return out;
}

/**
 * Golden-bytes test of a layout: encoding `value` gives exactly `expected` (hex written by hand
 * from the C definition, never from the encoder), and decoding those bytes gives `value` back.
 */
export function expectGolden<T>(layout: Layout<T>, value: T, expected: string): void {
  const wire = hex(expected);
  expect(layout.size).toBe(wire.length);
  expect(toHex(layout.encode(value))).toBe(toHex(wire));
  expect(layout.decode(wire)).toEqual(value);
}

/** Runs `action`; anything it throws must be a `ProtocolError` (anything else is rethrown). */
export function onlyProtocolErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

/** Property: decoding arbitrary bytes at an arbitrary offset throws nothing but `ProtocolError`. */
export function expectOnlyProtocolErrors(layouts: readonly Layout<unknown>[]): void {
  for (const layout of layouts) {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: layout.size * 2 + 8 }), fc.integer({ min: -2, max: layout.size + 8 }), (wire, offset) =>
        onlyProtocolErrors(() => layout.decode(wire, offset)),
      ),
      { numRuns: 200 },
    );
  }
}

/** The error `action` throws, for matching its details; throws itself if `action` returns. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

/** Checks that `action` throws a `ProtocolError` about `layout`.`path` (and at `offset`, if given). */
export function expectProtocolError(action: () => unknown, where: { layout: string; path: string; offset?: number }): ProtocolError {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(ProtocolError);
  const problem = error as ProtocolError;
  expect({ layout: problem.layout, path: problem.path }).toEqual({ layout: where.layout, path: where.path });
  if (where.offset !== undefined) expect(problem.offset).toBe(where.offset);
  return problem;
}

import { describe, expect, expectTypeOf, it } from 'vitest';
import { DeviceConfigError } from './device-config-error.js';
import { schema } from './schema.js';

describe('schema.integer', () => {
  const interval = schema.integer({ min: 1, max: 60 });

  it('accepts integers within its bounds, both ends included', () => {
    expectTypeOf(interval.parse(1)).toEqualTypeOf<number>();
    expect([1, 30, 60].map((value) => interval.parse(value))).toEqual([1, 30, 60]);
  });

  it.each([
    [0, 'must be an integer between 1 and 60, got 0'],
    [61, 'must be an integer between 1 and 60, got 61'],
    [1.5, 'must be an integer between 1 and 60, got 1.5'],
    ['5', 'must be an integer between 1 and 60, got "5"'],
    [null, 'must be an integer between 1 and 60, got null'],
    [undefined, 'must be an integer between 1 and 60, got nothing'],
  ])('rejects %j saying what it expected and what it got', (value, problem) => {
    const error = thrown(() => interval.parse(value, 'devices[2].config.intervalSeconds'));
    expect(error).toBeInstanceOf(DeviceConfigError);
    expect(error).toMatchObject({ field: 'devices[2].config.intervalSeconds', problem });
    expect(error.message).toBe(`devices[2].config.intervalSeconds: ${problem}`);
  });

  it('gives -0 as 0, as JSON would store it', () => {
    expect(Object.is(schema.integer({ min: 0 }).parse(-0), 0)).toBe(true);
    expect(Object.is(schema.number().parse(-0), 0)).toBe(true);
    expect(Object.is(schema.byteSize().parse(-0), 0)).toBe(true);
  });

  it('states a one-sided bound as such', () => {
    expect(() => schema.integer({ min: 0 }).parse(-1)).toThrow('must be an integer of at least 0, got -1');
    expect(() => schema.integer({ max: 7 }).parse(8)).toThrow('must be an integer of at most 7, got 8');
    expect(() => schema.integer().parse(NaN)).toThrow('must be an integer, got NaN');
  });

  it('yields its default for a missing value, and only for a missing one', () => {
    const withDefault = schema.integer({ min: 1, max: 60, default: 5 });
    expect(withDefault.parse(undefined)).toBe(5);
    expect(withDefault.omittable).toBe(true);
    expect(() => withDefault.parse(null)).toThrow(DeviceConfigError);
    expect(interval.omittable).toBe(false);
  });

  it('refuses to build with a default outside its own bounds, or bounds the wrong way round', () => {
    expect(() => schema.integer({ min: 1, max: 60, default: 0 })).toThrow(
      'schema.integer: invalid default: must be an integer between 1 and 60, got 0',
    );
    expect(() => schema.integer({ min: 2, max: 1 })).toThrow(RangeError);
  });

  it('describes itself as an integer with inclusive bounds', () => {
    expect(schema.integer({ min: 1, max: 60, default: 5, description: 'Seconds between beats' }).jsonSchema()).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 60,
      default: 5,
      description: 'Seconds between beats',
    });
    expect(schema.integer().jsonSchema()).toEqual({ type: 'integer' });
  });
});

describe('schema.number', () => {
  it('accepts fractions but no infinities', () => {
    const ratio = schema.number({ min: 0, max: 1 });
    expect(ratio.parse(0.25)).toBe(0.25);
    expect(() => ratio.parse(1.5)).toThrow('must be a number between 0 and 1, got 1.5');
    expect(() => schema.number().parse(Infinity)).toThrow('must be a number, got Infinity');
    expect(schema.number({ min: 0 }).jsonSchema()).toEqual({ type: 'number', minimum: 0 });
  });
});

function thrown(action: () => unknown): DeviceConfigError {
  try {
    action();
  } catch (error) {
    return error as DeviceConfigError;
  }
  throw new Error('expected an error');
}

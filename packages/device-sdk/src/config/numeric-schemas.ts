import { annotated, withCheckedDefault, type BuiltSchema, type SchemaAnnotations } from './built-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { describeReceived } from './received-value.js';

/** Options of `schema.integer` and `schema.number`. */
export interface NumericOptions extends SchemaAnnotations {
  /** The smallest value accepted, inclusive. */
  readonly min?: number;
  /** The largest value accepted, inclusive. */
  readonly max?: number;
  /** The value when the field is left out. */
  readonly default?: number;
}

type NumericKind = 'integer' | 'number';

function expectation(kind: NumericKind, min: number | undefined, max: number | undefined): string {
  const noun = kind === 'integer' ? 'an integer' : 'a number';
  if (min !== undefined && max !== undefined) return `${noun} between ${min} and ${max}`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}

function numericSchema(kind: NumericKind, options: NumericOptions): BuiltSchema<number> {
  const { min, max } = options;
  if (min !== undefined && max !== undefined && min > max) throw new RangeError(`schema.${kind}: min ${min} is above max ${max}`);
  const expected = expectation(kind, min, max);
  const fits = (value: unknown): value is number =>
    typeof value === 'number' &&
    (kind === 'integer' ? Number.isInteger(value) : Number.isFinite(value)) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max);
  const built: BuiltSchema<number> = {
    omittable: options.default !== undefined,
    parse(value, path = '') {
      if (value === undefined && options.default !== undefined) return options.default;
      if (!fits(value)) throw new DeviceConfigError(path, `must be ${expected}, got ${describeReceived(value)}`);
      // -0 is 0: JSON, the inventory's format, cannot tell them apart.
      return value + 0;
    },
    jsonSchema: () =>
      annotated({ type: kind, ...(min !== undefined && { minimum: min }), ...(max !== undefined && { maximum: max }) }, options),
  };
  return withCheckedDefault(kind, built, options.default);
}

/**
 * An integer, optionally bounded: `schema.integer({ min: 1, max: 60, default: 5 })` rejects 0 with
 * "must be an integer between 1 and 60, got 0".
 */
export function integerSchema(options: NumericOptions = {}): BuiltSchema<number> {
  return numericSchema('integer', options);
}

/** A finite number, optionally bounded. */
export function numberSchema(options: NumericOptions = {}): BuiltSchema<number> {
  return numericSchema('number', options);
}

import { annotated, withCheckedDefault, type BuiltSchema, type SchemaAnnotations } from './built-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { describeReceived } from './received-value.js';

/** Options of `schema.string`. */
export interface StringOptions extends SchemaAnnotations {
  /** The fewest characters (Unicode code points, as JSON Schema counts them) accepted. */
  readonly minLength?: number;
  /** The most characters accepted. */
  readonly maxLength?: number;
  /** An ECMAScript regular expression the value must match somewhere; anchor it with `^…$` to match it whole. */
  readonly pattern?: string;
  /** The only values accepted. */
  readonly enum?: readonly string[];
  /** The value when the field is left out. */
  readonly default?: string;
}

/** Options of `schema.string` with an `enum`: the schema then yields the union of its values. */
export interface StringEnumOptions<E extends readonly [string, ...string[]]> extends StringOptions {
  readonly enum: E;
  readonly default?: E[number];
}

function characters(count: number): string {
  return count === 1 ? 'character' : 'characters';
}

function lengthExpectation(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `a string of ${min} to ${max} ${characters(max)}`;
  if (min !== undefined) return `a string of at least ${min} ${characters(min)}`;
  return `a string of at most ${max} ${characters(max!)}`;
}

function quoted(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/**
 * A string, optionally limited in length, matched against a pattern, or one of a few values.
 * With `enum` the schema's type is the union of those values:
 * `schema.string({ enum: ['raw', 'vhdx'] })` is a `BuiltSchema<'raw' | 'vhdx'>`.
 */
export function stringSchema<const E extends readonly [string, ...string[]]>(options: StringEnumOptions<E>): BuiltSchema<E[number]>;
export function stringSchema(options?: StringOptions): BuiltSchema<string>;
export function stringSchema(options: StringOptions = {}): BuiltSchema<string> {
  const { minLength, maxLength, pattern, enum: values } = options;
  const matcher = pattern === undefined ? undefined : new RegExp(pattern, 'u');
  const built: BuiltSchema<string> = {
    omittable: options.default !== undefined,
    parse(value, path = '') {
      if (value === undefined && options.default !== undefined) return options.default;
      if (values !== undefined && !values.includes(value as string)) {
        throw new DeviceConfigError(path, `must be one of ${quoted(values)}, got ${describeReceived(value)}`);
      }
      if (typeof value !== 'string') throw new DeviceConfigError(path, `must be a string, got ${describeReceived(value)}`);
      const length = [...value].length;
      if ((minLength !== undefined && length < minLength) || (maxLength !== undefined && length > maxLength)) {
        const expected = lengthExpectation(minLength, maxLength);
        throw new DeviceConfigError(path, `must be ${expected}, got ${describeReceived(value)} (${length} ${characters(length)})`);
      }
      if (matcher !== undefined && !matcher.test(value)) {
        throw new DeviceConfigError(path, `must match the pattern /${pattern}/, got ${describeReceived(value)}`);
      }
      return value;
    },
    jsonSchema: () =>
      annotated(
        {
          type: 'string',
          ...(minLength !== undefined && { minLength }),
          ...(maxLength !== undefined && { maxLength }),
          ...(pattern !== undefined && { pattern }),
          ...(values !== undefined && { enum: [...values] }),
        },
        options,
      ),
  };
  return withCheckedDefault('string', built, options.default);
}
